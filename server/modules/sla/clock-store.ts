import type { Database, DbOrTx, Tx } from '../../db/database.js';
import type { PostgresDatabase } from '../../db/postgres.js';
import { firstClockWriter } from './first-clock-writes.js';
import { cachedPolicies } from './policy-cache.js';
import type { FirstClocks } from './recompute.js';

/**
 * What the SLA subscriber reads and writes outside recomputeTicket, one form per driver. SQLite
 * answers synchronously from prepared statements (intake's CPU per ticket was tuned on them);
 * PostgreSQL answers through the pool, so its answers are promises.
 */
export interface SlaClockStore {
  /** Whether any policy exists or any of these tickets has a clock: else a change moves nothing. */
  mayHaveSla(ids: number[]): boolean | Promise<boolean>;
  /** Whether an agent has answered the ticket: only then does a customer message start a clock. */
  agentReplied(ticketId: number): boolean | Promise<boolean>;
  /** A new ticket's first clocks, written in intake's transaction `tx`. */
  writeFirstClocks(tx: Tx, ticketId: number, first: FirstClocks, at: number): void | Promise<void>;
  /** Names of the policies counting in a calendar, read through `db` (the calendar delete's transaction). */
  policiesUsing(calendarId: number, db: DbOrTx): Array<{ name: string }> | Promise<Array<{ name: string }>>;
  /** Lets the commit that caused `work` wait for it; see PostgresDatabase.follow. */
  follow(work: Promise<unknown>): void;
}

const AGENT_REPLIED = "select 1 as one from messages where ticket_id = ? and kind = 'outbound' and author_kind = 'agent' limit 1";

/**
 * On SQLite the calendar delete asks from inside its transaction, and a synchronous read on the one
 * connection sees that transaction's writes. The new ticket's clocks go straight on the connection
 * the intake transaction holds.
 */
export function sqliteClockStore(database: Database): SlaClockStore {
  const { sqlite } = database;
  const policiesUsing = sqlite.prepare<[number], { name: string }>('select name from sla_policies where business_hours_id = ? order by name');
  // Most desks have no policy, and most tickets no clock: those need no write transaction per
  // message (which also held the write lock for nothing while intake wanted it).
  const anyPolicy = sqlite.prepare<[], { one: number }>('select 1 as one from sla_policies limit 1');
  const hasClock = sqlite.prepare<[number], { one: number }>('select 1 as one from sla_targets where ticket_id = ? limit 1');
  const agentReplied = sqlite.prepare<[number], { one: number }>(AGENT_REPLIED);
  const write = firstClockWriter(sqlite);
  return {
    mayHaveSla: (ids) => anyPolicy.get() !== undefined || ids.some((id) => hasClock.get(id) !== undefined),
    agentReplied: (id) => agentReplied.get(id) !== undefined,
    writeFirstClocks: (_tx, ticketId, first, at) => write(ticketId, first, at),
    policiesUsing: (id) => policiesUsing.all(id),
    follow: () => undefined,
  };
}

/** On PostgreSQL every read and write goes through Kysely, the clocks inside intake's transaction. */
export function postgresClockStore(database: PostgresDatabase): SlaClockStore {
  const { db } = database;
  return {
    async mayHaveSla(ids) {
      // From the policies intake chooses a new ticket's clocks by, no statement of its own per event.
      if ((await cachedPolicies(database, db)).length > 0) return true;
      if (ids.length === 0) return false;
      return (await db.selectFrom('sla_targets').select('ticket_id').where('ticket_id', 'in', ids).limit(1).executeTakeFirst()) !== undefined;
    },
    async agentReplied(ticketId) {
      const row = await db
        .selectFrom('messages')
        .select('id')
        .where('ticket_id', '=', ticketId)
        .where('kind', '=', 'outbound')
        .where('author_kind', '=', 'agent')
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },
    async writeFirstClocks(tx, ticketId, { policy, clocks, columns }, at) {
      if (clocks.length > 0) {
        await tx
          .insertInto('sla_targets')
          .values(
            clocks.map((k) => ({
              ticket_id: ticketId,
              target: k.target,
              cycle: k.cycle,
              policy_id: policy.id,
              policy_name: policy.name,
              started_at: k.startedAt,
              due_at: k.dueAt,
              warn_at: k.warnAt,
              status: k.status,
              met_at: k.metAt,
              updated_at: at,
              warned_at: null,
              breach_fired_at: null,
            })),
          )
          .execute();
      }
      await tx.updateTable('tickets').set(columns).where('id', '=', ticketId).execute();
    },
    policiesUsing: (id, on) => on.selectFrom('sla_policies').select('name').where('business_hours_id', '=', id).orderBy('name').execute(),
    follow: (work) => database.follow(work),
  };
}
