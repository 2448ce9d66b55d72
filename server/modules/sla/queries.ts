import type { Insertable, Selectable, Updateable } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { prepared } from '../../db/prepared.js';
import type { SlaPoliciesTable, SlaTargetsTable } from './tables.js';

export type SlaPolicyRow = Selectable<SlaPoliciesTable>;
export type SlaTargetRow = Selectable<SlaTargetsTable>;

export const listPolicyRows = (db: DbOrTx): Promise<SlaPolicyRow[]> =>
  db.selectFrom('sla_policies').selectAll().orderBy('position').orderBy('id').execute();

export const findPolicyRow = (db: DbOrTx, id: number): Promise<SlaPolicyRow | undefined> =>
  db.selectFrom('sla_policies').selectAll().where('id', '=', id).executeTakeFirst();

export async function findPolicyIdByName(db: DbOrTx, name: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('sla_policies')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
    .executeTakeFirst();
  return row?.id;
}

export async function nextPosition(db: DbOrTx): Promise<number> {
  const row = await db.selectFrom('sla_policies').select((eb) => eb.fn.max('position').as('max')).executeTakeFirst();
  return (row?.max ?? 0) + 1;
}

export const insertPolicyRow = (db: DbOrTx, values: Insertable<SlaPoliciesTable>): Promise<SlaPolicyRow> =>
  db.insertInto('sla_policies').values(values).returningAll().executeTakeFirstOrThrow();

export const updatePolicyRow = (db: DbOrTx, id: number, values: Updateable<SlaPoliciesTable>): Promise<SlaPolicyRow> =>
  db.updateTable('sla_policies').set(values).where('id', '=', id).returningAll().executeTakeFirstOrThrow();

export async function deletePolicyRow(db: DbOrTx, id: number): Promise<void> {
  await db.deleteFrom('sla_policies').where('id', '=', id).execute();
}

// Every opened ticket with a policy shows its clocks: compiled once.
const targetsOfTicketQuery = prepared((db: DbOrTx, p: { ticketId: number }) =>
  db.selectFrom('sla_targets').selectAll().where('ticket_id', '=', p.ticketId).orderBy('target').orderBy('cycle'),
);
export const targetsOfTicket = (db: DbOrTx, ticketId: number): Promise<SlaTargetRow[]> => targetsOfTicketQuery.all(db, { ticketId });

/** Tickets whose clocks may still move: everything not closed. */
export async function activeTicketIds(db: DbOrTx, afterId: number, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom('tickets')
    .select('id')
    .where('status', 'in', ['open', 'pending', 'snoozed', 'resolved'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
