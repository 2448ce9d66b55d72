import { CompiledQuery } from 'kysely';
import type { AnyDatabase } from '../db/postgres.js';

/** A sent row is machinery: the message keeps its delivery status, the webhook log its own record. */
export const SENT_OUTBOX_RETENTION_MS = 7 * 86_400_000;

export interface TrimOptions {
  now?: number;
  /** rows per delete: each is a short write, so intake and agents never wait long behind it */
  batchSize?: number;
}

export const yieldToWriters = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Deletes the prepared statement's batches until one comes back short, pausing between them so a
 * long backlog never holds the write lock for long; returns how many rows went.
 */
export async function deleteInBatches(run: (batchSize: number) => number | Promise<number>, batchSize = 500): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await run(batchSize);
    total += n;
    if (n < batchSize) return total;
    await yieldToWriters();
  }
}

/**
 * A batch delete taking (before, batch size) as its two `?` parameters, on either driver: a
 * prepared statement on SQLite; on PostgreSQL the same text with numbered parameters, through the pool.
 */
export function batchDelete(database: AnyDatabase, text: string): (before: number, batchSize: number) => number | Promise<number> {
  if (database.driver === 'sqlite') {
    const stmt = database.sqlite.prepare<[number, number]>(text);
    return (before, n) => stmt.run(before, n).changes;
  }
  let param = 0;
  const numbered = text.replace(/\?/g, () => `$${++param}`);
  return async (before, n) => Number((await database.db.executeQuery(CompiledQuery.raw(numbered, [before, n]))).numAffectedRows ?? 0);
}

/**
 * Deletes sent rows a week after they went out, oldest first. Failed rows stay (an agent may press
 * retry), pending ones are still to go, and a sent mail's row stays with its email_outbound record,
 * which threads replies by In-Reply-To and places bounces.
 */
export function trimSentOutbox(ctx: { database: AnyDatabase }, opts: TrimOptions = {}): Promise<number> {
  const before = (opts.now ?? Date.now()) - SENT_OUTBOX_RETENTION_MS;
  const remove = batchDelete(
    ctx.database,
    `delete from outbox where id in (
       select o.id from outbox o
        where o.status = 'sent' and o.updated_at < ? and o.kind <> 'email'
          and not exists (select 1 from email_outbound e where e.outbox_id = o.id)
        order by o.updated_at limit ?)`,
  );
  return deleteInBatches((n) => remove(before, n), opts.batchSize);
}
