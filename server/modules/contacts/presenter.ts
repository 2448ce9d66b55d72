import type { DbOrTx } from '../../db/database.js';
import { parseJsonObject } from '../tickets/json.js';
import { iso, isoOrNull } from '../tickets/presenter.js';
import { identitiesOf, ticketCountsOf, type ContactRow, type IdentityRow } from './queries.js';
import type { ContactView } from './schemas.js';

export function presentContact(row: ContactRow, identities: IdentityRow[], ticketCount: number): ContactView {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    language: row.language,
    attributes: parseJsonObject(row.attributes),
    notes: row.notes,
    identities: identities.map((i) => ({ kind: i.kind, value: i.value })),
    createdAt: iso(row.created_at),
    lastSeenAt: isoOrNull(row.last_seen_at),
    ticketCount,
  };
}

export async function presentContacts(db: DbOrTx, rows: ContactRow[]): Promise<ContactView[]> {
  const ids = rows.map((r) => r.id);
  const [identities, counts] = await Promise.all([identitiesOf(db, ids), ticketCountsOf(db, ids)]);
  return rows.map((r) => presentContact(r, identities.get(r.id) ?? [], counts.get(r.id) ?? 0));
}

export async function presentOneContact(db: DbOrTx, row: ContactRow): Promise<ContactView> {
  const [view] = await presentContacts(db, [row]);
  if (!view) throw new Error('presentContacts returned nothing for one row');
  return view;
}
