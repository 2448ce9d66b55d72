import type { Insertable, Selectable } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
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

export const findContact = (db: DbOrTx, id: number): Promise<ContactRow | undefined> =>
  db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();

export async function findContactIdByIdentity(db: DbOrTx, kind: string, value: string): Promise<number | undefined> {
  const id = normalizeIdentity(kind, value);
  const row = await db
    .selectFrom('contact_identities')
    .select('contact_id')
    .where('kind', '=', id.kind)
    .where('value', '=', id.value)
    .executeTakeFirst();
  return row?.contact_id;
}

export async function insertContact(db: DbOrTx, values: Insertable<ContactsTable>): Promise<ContactRow> {
  return db.insertInto('contacts').values(values).returningAll().executeTakeFirstOrThrow();
}

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
      await db
        .insertInto('contact_identities')
        .values({ contact_id: contactId, kind: id.kind, value: id.value, created_at: at })
        .execute();
    } else if (owner !== contactId) {
      taken.push({ ...id, ownerId: owner });
    }
  }
  return taken;
}

export async function identitiesOf(db: DbOrTx, contactIds: number[]): Promise<Map<number, IdentityRow[]>> {
  const map = new Map<number, IdentityRow[]>();
  if (contactIds.length === 0) return map;
  const rows = await db
    .selectFrom('contact_identities')
    .selectAll()
    .where('contact_id', 'in', contactIds)
    .orderBy('id')
    .execute();
  for (const r of rows) {
    const list = map.get(r.contact_id) ?? [];
    list.push(r);
    map.set(r.contact_id, list);
  }
  return map;
}

export async function ticketCountsOf(db: DbOrTx, contactIds: number[]): Promise<Map<number, number>> {
  if (contactIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('tickets')
    .select(['contact_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('contact_id', 'in', contactIds)
    .groupBy('contact_id')
    .execute();
  return new Map(rows.map((r) => [r.contact_id, Number(r.n)]));
}
