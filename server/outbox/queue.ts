import type SqliteDatabase from 'better-sqlite3';
import type { Selectable } from 'kysely';
import { now, type DbOrTx } from '../db/database.js';
import { isPostgres } from '../db/dialect-sql.js';
import type { OutboxTable } from './tables.js';

export type OutboxRow = Selectable<OutboxTable>;

export interface NewOutboxItem {
  kind: string;
  channelName?: string | null | undefined;
  messageId?: number | null | undefined;
  payload?: Record<string, unknown> | undefined;
}

/**
 * Queues a delivery. Call it inside the transaction that writes the outbound message, so the
 * message and its delivery commit together; then nudge the worker from onCommit.
 */
export async function enqueue(db: DbOrTx, item: NewOutboxItem): Promise<OutboxRow> {
  const at = now();
  return db
    .insertInto('outbox')
    .values({
      kind: item.kind,
      channel_name: item.channelName ?? null,
      message_id: item.messageId ?? null,
      payload: JSON.stringify(item.payload ?? {}),
      status: 'pending',
      next_attempt_at: at,
      locked_until: null,
      last_error: null,
      created_at: at,
      updated_at: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * enqueue as a prepared statement, for a caller that writes many rows in one synchronous
 * better-sqlite3 transaction (webhook fan-out). Returns the new row's id.
 */
export function prepareEnqueue(sqlite: SqliteDatabase.Database): (item: NewOutboxItem) => number {
  const insert = sqlite.prepare<[{ kind: string; channel: string | null; message: number | null; payload: string; at: number }]>(
    `insert into outbox (kind, channel_name, message_id, payload, status, next_attempt_at, locked_until, last_error, created_at, updated_at)
     values (@kind, @channel, @message, @payload, 'pending', @at, null, null, @at, @at)`,
  );
  return (item) =>
    Number(insert.run({ kind: item.kind, channel: item.channelName ?? null, message: item.messageId ?? null, payload: JSON.stringify(item.payload ?? {}), at: now() }).lastInsertRowid);
}

/**
 * Takes up to `limit` due rows of the given kinds and leases them until `leaseUntil`. A row whose
 * worker died mid-send (status 'sending', lease over) is due again.
 *
 * On PostgreSQL several processes claim at once: without row locks two of them read the same due
 * ids before either commits and both send. SKIP LOCKED lets each take rows no other claim holds.
 * SQLite has one writer at a time, so its statement stays as it was.
 */
export async function claimDue(db: DbOrTx, kinds: string[], at: number, leaseUntil: number, limit: number): Promise<OutboxRow[]> {
  if (kinds.length === 0) return [];
  const due = db
    .selectFrom('outbox')
    .select('id')
    .where('kind', 'in', kinds)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', at)]),
        eb.and([eb('status', '=', 'sending'), eb('locked_until', '<', at)]),
      ]),
    )
    .orderBy('next_attempt_at')
    // Ties in the order written: PostgreSQL, unlike SQLite's index walk, gives them in any order.
    .orderBy('id')
    .limit(limit);
  const claimable = isPostgres(db) ? due.forUpdate().skipLocked() : due;
  const claimed = await db
    .updateTable('outbox')
    .set((eb) => ({ status: 'sending', locked_until: leaseUntil, attempts: eb('attempts', '+', 1), updated_at: at }))
    .where('id', 'in', claimable)
    .returningAll()
    .execute();
  // RETURNING keeps no order on PostgreSQL: replies to one customer must still go out in the order written.
  return claimed.sort((a, b) => a.next_attempt_at - b.next_attempt_at || a.id - b.id);
}

export async function nextDueAt(db: DbOrTx, kinds: string[]): Promise<number | null> {
  if (kinds.length === 0) return null;
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.min('next_attempt_at').as('at'))
    .where('kind', 'in', kinds)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return row?.at ?? null;
}
