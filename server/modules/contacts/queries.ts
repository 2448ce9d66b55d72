import { sql, type Insertable, type RawBuilder, type Selectable } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { inJsonIntegers, jsonArrayValue, jsonPair, jsonRow, jsonText } from '../../db/dialect-sql.js';
import { prepared } from '../../db/prepared.js';
import type { ContactIdentitiesTable, ContactsTable } from './tables.js';

export type ContactRow = Selectable<ContactsTable>;
export type IdentityRow = Selectable<ContactIdentitiesTable>;

/** One spelling per identity, so the same address never makes two contacts. */
export function normalizeIdentity(kind: string, value: string): { kind: string; value: string } {
  const v = value.trim();
  if (kind === 'email') return { kind, value: v.toLowerCase() };
  if (kind === 'phone' || kind === 'whatsapp') return { kind, value: v.replace(/[\s().-]/g, '') };
  return { kind, value: v };
}

const contactById = prepared((db: DbOrTx, p: { id: number }) => db.selectFrom('contacts').selectAll().where('id', '=', p.id));

export const findContact = (db: DbOrTx, id: number): Promise<ContactRow | undefined> => contactById.first(db, { id });

/** An identity as presenting a contact needs it. */
export type ContactIdentity = Pick<IdentityRow, 'kind' | 'value'>;

const CONTACT_COLUMNS = [
  'id', 'name', 'email', 'phone', 'language', 'email_verified', 'attributes', 'notes', 'created_at', 'updated_at', 'last_seen_at',
] as const satisfies ReadonlyArray<keyof ContactRow>;

/**
 * A contact with its identities and its count of tickets as one JSON value (text; null when there
 * is no such contact), for a statement about what the contact is on: opening a ticket reads its
 * contact in the ticket's statement, where reading it apart was a round trip of its own on PostgreSQL.
 */
export function contactWithIdentitiesJson(db: DbOrTx, contactId: RawBuilder<unknown>): RawBuilder<string | null> {
  const contact = jsonRow(db, 'c', CONTACT_COLUMNS, [
    [
      'identities',
      jsonArrayValue(db, (agg) => sql`select ${agg(jsonPair(db, sql`i.kind`, sql`i.value`), sql`i.id`)} from contact_identities i where i.contact_id = c.id`),
    ],
    ['ticket_count', sql`(select count(*) from tickets t where t.contact_id = c.id)`],
  ]);
  return sql<string | null>`(select ${jsonText(db, contact)} from contacts c where c.id = ${contactId})`;
}

/** What contactWithIdentitiesJson read, as presentFoundContact takes it. */
export function foundContactOf(json: string | null): { contact: ContactRow; identities: ContactIdentity[]; ticketCount: number } | undefined {
  if (json === null) return undefined;
  const { identities, ticket_count: ticketCount, ...contact } = JSON.parse(json) as ContactRow & { identities: Array<[string, string]>; ticket_count: number };
  return { contact, identities: identities.map(([kind, value]) => ({ kind, value })), ticketCount: Number(ticketCount) };
}

const contactIdByIdentity = prepared((db: DbOrTx, p: { kind: string; value: string }) =>
  db.selectFrom('contact_identities').select('contact_id').where('kind', '=', p.kind).where('value', '=', p.value),
);

export async function findContactIdByIdentity(db: DbOrTx, kind: string, value: string): Promise<number | undefined> {
  return (await contactIdByIdentity.first(db, normalizeIdentity(kind, value)))?.contact_id;
}

const insertContactRow = prepared((db: DbOrTx, p: Omit<ContactRow, 'id'>) =>
  db
    .insertInto('contacts')
    .values({
      name: p.name,
      email: p.email,
      phone: p.phone,
      language: p.language,
      email_verified: p.email_verified,
      attributes: p.attributes,
      notes: p.notes,
      created_at: p.created_at,
      updated_at: p.updated_at,
      last_seen_at: p.last_seen_at,
    })
    .returningAll(),
);

export async function insertContact(db: DbOrTx, values: Omit<Insertable<ContactsTable>, 'id'>): Promise<ContactRow> {
  return insertContactRow.one(db, {
    name: values.name ?? null,
    email: values.email ?? null,
    phone: values.phone ?? null,
    language: values.language ?? null,
    email_verified: values.email_verified ?? 1,
    // The columns' defaults, spelled out so that every insert is one statement.
    attributes: values.attributes ?? '{}',
    notes: values.notes ?? '',
    created_at: values.created_at,
    updated_at: values.updated_at,
    last_seen_at: values.last_seen_at ?? null,
  });
}

const insertIdentityRow = prepared((db: DbOrTx, p: Omit<IdentityRow, 'id'>) =>
  db
    .insertInto('contact_identities')
    .values({ contact_id: p.contact_id, kind: p.kind, value: p.value, created_at: p.created_at })
    .returningAll(),
);

/** Records an identity known to be free (the caller looked it up), already normalised. */
export const insertIdentity = (db: DbOrTx, values: Omit<IdentityRow, 'id'>): Promise<IdentityRow> => insertIdentityRow.one(db, values);

/** Adds identities not yet known; ones owned by another contact are left alone (and reported). */
export async function addIdentities(
  db: DbOrTx,
  contactId: number,
  identities: Array<{ kind: string; value: string }>,
  at: number,
): Promise<Array<{ kind: string; value: string; ownerId: number }>> {
  const taken: Array<{ kind: string; value: string; ownerId: number }> = [];
  for (const raw of identities) {
    const id = normalizeIdentity(raw.kind, raw.value);
    if (id.value === '') continue;
    const owner = await findContactIdByIdentity(db, id.kind, id.value);
    if (owner === undefined) {
      await insertIdentity(db, { contact_id: contactId, kind: id.kind, value: id.value, created_at: at });
    } else if (owner !== contactId) {
      taken.push({ ...id, ownerId: owner });
    }
  }
  return taken;
}

// Opening a ticket presents its contact: one JSON parameter keeps each of these one prepared
// statement whatever the number of contacts.
const inIds = (db: DbOrTx, column: string, ids: string) => inJsonIntegers(db, sql.ref(column), ids);
const identitiesOfList = prepared((db: DbOrTx, p: { ids: string }) =>
  db.selectFrom('contact_identities').selectAll().where(inIds(db, 'contact_id', p.ids)).orderBy('id'),
);
const ticketCountsOfList = prepared((db: DbOrTx, p: { ids: string }) =>
  db
    .selectFrom('tickets')
    .select(['contact_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where(inIds(db, 'tickets.contact_id', p.ids))
    .groupBy('contact_id'),
);

export async function identitiesOf(db: DbOrTx, contactIds: number[]): Promise<Map<number, IdentityRow[]>> {
  const map = new Map<number, IdentityRow[]>();
  if (contactIds.length === 0) return map;
  const rows = await identitiesOfList.all(db, { ids: JSON.stringify(contactIds) });
  for (const r of rows) {
    const list = map.get(r.contact_id) ?? [];
    list.push(r);
    map.set(r.contact_id, list);
  }
  return map;
}

export async function ticketCountsOf(db: DbOrTx, contactIds: number[]): Promise<Map<number, number>> {
  if (contactIds.length === 0) return new Map();
  const rows = await ticketCountsOfList.all(db, { ids: JSON.stringify(contactIds) });
  return new Map(rows.map((r) => [r.contact_id, Number(r.n)]));
}
