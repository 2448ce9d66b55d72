import type { DbOrTx } from '../../db/database.js';
import type { WidgetChannelConfig } from '../../channels/widget/config-schema.js';
import { localTextMap } from '../../channels/widget/local-text.js';
import { parseJsonObject } from '../tickets/json.js';
import { iso, isoOrNull } from '../tickets/presenter.js';
import { identitiesOf, ticketCountsOf, type ContactIdentity, type ContactRow } from './queries.js';
import type { ContactSummaryView, ContactView } from './schemas.js';

/** What presenting needs beyond the row: who else owns an unverified email, and channel display names. */
export interface ContactExtras {
  emailOwner?: ContactSummaryView | null;
  /** widget visitor id → the display names of its channel */
  visitorChannels?: ReadonlyMap<string, Record<string, string>>;
}

export function presentContact(row: ContactRow, identities: readonly ContactIdentity[], ticketCount: number, extras: ContactExtras = {}): ContactView {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    emailVerified: row.email_verified !== 0,
    emailOwner: extras.emailOwner ?? null,
    phone: row.phone,
    language: row.language,
    attributes: parseJsonObject(row.attributes),
    notes: row.notes,
    identities: identities.map((i) => {
      const channelName = i.kind === 'widget' ? extras.visitorChannels?.get(i.value) : undefined;
      return channelName ? { kind: i.kind, value: i.value, channelName } : { kind: i.kind, value: i.value };
    }),
    createdAt: iso(row.created_at),
    lastSeenAt: isoOrNull(row.last_seen_at),
    ticketCount,
  };
}

/**
 * `widgets` (the configured widget channels) lets a visitor identity be shown by its channel's name
 * instead of a random visitor id.
 */
export async function presentContacts(db: DbOrTx, rows: ContactRow[], widgets: readonly WidgetChannelConfig[] = []): Promise<ContactView[]> {
  const ids = rows.map((r) => r.id);
  const [identities, counts, owners] = await Promise.all([identitiesOf(db, ids), ticketCountsOf(db, ids), emailOwnersOf(db, rows)]);
  const visitorChannels = await visitorChannelsOf(db, [...identities.values()].flat(), widgets);
  return rows.map((r) =>
    presentContact(r, identities.get(r.id) ?? [], counts.get(r.id) ?? 0, { emailOwner: owners.get(r.id) ?? null, visitorChannels }),
  );
}

export async function presentOneContact(db: DbOrTx, row: ContactRow, widgets: readonly WidgetChannelConfig[] = []): Promise<ContactView> {
  const [view] = await presentContacts(db, [row], widgets);
  if (!view) throw new Error('presentContacts returned nothing for one row');
  return view;
}

/** presentOneContact for a contact read with its identities and count (contactWithIdentitiesJson). */
export async function presentFoundContact(
  db: DbOrTx,
  found: { contact: ContactRow; identities: readonly ContactIdentity[]; ticketCount: number },
  widgets: readonly WidgetChannelConfig[] = [],
): Promise<ContactView> {
  const [owners, visitorChannels] = await Promise.all([emailOwnersOf(db, [found.contact]), visitorChannelsOf(db, found.identities, widgets)]);
  return presentContact(found.contact, found.identities, found.ticketCount, { emailOwner: owners.get(found.contact.id) ?? null, visitorChannels });
}

/** For each contact with an unverified email, the other contact that owns that address as an identity. */
async function emailOwnersOf(db: DbOrTx, rows: ContactRow[]): Promise<Map<number, ContactSummaryView>> {
  const claimed = rows.filter((r) => r.email_verified === 0 && r.email !== null);
  const found = new Map<number, ContactSummaryView>();
  if (claimed.length === 0) return found;
  const owners = await db
    .selectFrom('contact_identities')
    .innerJoin('contacts', 'contacts.id', 'contact_identities.contact_id')
    .select(['contact_identities.value', 'contacts.id', 'contacts.name', 'contacts.email'])
    .where('contact_identities.kind', '=', 'email')
    .where('contact_identities.value', 'in', claimed.map((r) => r.email ?? ''))
    .execute();
  for (const r of claimed) {
    const owner = owners.find((o) => o.value === r.email && o.id !== r.id);
    if (owner) found.set(r.id, { id: owner.id, name: owner.name, email: owner.email });
  }
  return found;
}

async function visitorChannelsOf(
  db: DbOrTx,
  identities: readonly ContactIdentity[],
  widgets: readonly WidgetChannelConfig[],
): Promise<Map<string, Record<string, string>>> {
  const visitorIds = identities.filter((i) => i.kind === 'widget').map((i) => i.value);
  const map = new Map<string, Record<string, string>>();
  if (visitorIds.length === 0 || widgets.length === 0) return map;
  const rows = await db.selectFrom('widget_visitors').select(['id', 'channel']).where('id', 'in', visitorIds).execute();
  for (const r of rows) {
    const ch = widgets.find((w) => w.name === r.channel);
    // Without a display name the agent app says "Website chat" in the agent's language, not the config id.
    if (ch?.display_name !== undefined) map.set(r.id, localTextMap(ch.display_name, ch.name));
  }
  return map;
}
