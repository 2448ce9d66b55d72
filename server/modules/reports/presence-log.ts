import { sql, type RawBuilder } from 'kysely';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/database.js';
import { isPostgres } from '../../db/dialect-sql.js';
import type { AnyDatabase } from '../../db/postgres.js';
import type { RawRows } from '../../db/raw-rows.js';
import type { Presence } from '../agents/tables.js';
import type { Period } from './params.js';

/** The larger and the smaller of two values: SQLite's scalar max/min are PostgreSQL's greatest/least. */
const larger = (db: DbOrTx, a: RawBuilder<unknown>, b: RawBuilder<unknown>) => (isPostgres(db) ? sql<number>`greatest(${a}, ${b})` : sql<number>`max(${a}, ${b})`);
const smaller = (db: DbOrTx, a: RawBuilder<unknown>, b: RawBuilder<unknown>) => (isPostgres(db) ? sql<number>`least(${a}, ${b})` : sql<number>`min(${a}, ${b})`);

/** Ends the agent's open stretch at `at` and, unless they went offline, opens the next one. */
export async function recordPresence(database: AnyDatabase, agentId: number, presence: Presence, at: number): Promise<void> {
  await database.transaction(async (tx) => {
    await tx
      .updateTable('agent_presence_log')
      .set({ ended_at: larger(tx, sql`started_at`, sql`${at}`) })
      .where('agent_id', '=', agentId)
      .where('ended_at', 'is', null)
      .execute();
    if (presence !== 'offline') await tx.insertInto('agent_presence_log').values({ agent_id: agentId, status: presence, started_at: at }).execute();
  });
}

/**
 * Stretches left open by a process that stopped without closing them (a crash, a kill) end when the
 * agent was last seen by the API, never before they began nor after `at`: the downtime is not counted.
 */
export async function closeStalePresence(database: AnyDatabase, at: number): Promise<number> {
  const db = database.db;
  const lastSeen = sql`coalesce((select max(last_seen_at) from sessions s where s.agent_id = agent_presence_log.agent_id), started_at)`;
  const result = await db
    .updateTable('agent_presence_log')
    .set({ ended_at: larger(db, sql`started_at`, smaller(db, sql`${at}`, lastSeen)) })
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Records every presence change the agent hub announces, one after another in the order announced
 * (each is its own transaction). On close, the stretches this process opened end now: another
 * process on the same database (a CLI command) leaves the server's alone.
 */
export function startPresenceLog(ctx: AppContext): () => Promise<void> {
  const mine = new Set<number>();
  let written: Promise<void> = Promise.resolve();
  const write = (agentId: number, presence: Presence, at: number) => {
    written = written
      .then(() => recordPresence(ctx.database, agentId, presence, at))
      .catch((error: unknown) => ctx.logger.error({ err: error, subsystem: 'presence-log', agentId }, 'could not record a presence change'));
  };
  const off = ctx.bus.on('agent.presence', (e) => {
    write(e.agentId, e.presence, Date.now());
    if (e.presence === 'offline') mine.delete(e.agentId);
    else mine.add(e.agentId);
  });
  return async () => {
    off();
    const at = Date.now();
    for (const agentId of mine) write(agentId, 'offline', at);
    mine.clear();
    await written;
  };
}

/**
 * Held shared by every process recording presence on a PostgreSQL database for as long as it
 * serves (an advisory lock key: "kefu presence log"). Taken exclusively, it says no other process
 * serves, so open stretches can only be a crashed process's.
 */
const SERVING_LOCK = 0x6b6566750001;

/**
 * Starts the presence log of a serving process: stretches a crash left open are ended first (see
 * closeStalePresence), then changes are recorded. On SQLite one process serves a data directory
 * (its instance lock). On PostgreSQL several may: another's open stretches are live, so they are
 * ended only when no other process holds the serving lock; a crashed process's stretch left open
 * while others serve ends at its agent's next presence change.
 */
export async function startServingPresenceLog(ctx: AppContext): Promise<() => Promise<void>> {
  const database = ctx.database;
  if (database.driver === 'sqlite') {
    await closeStalePresence(database, Date.now());
    return startPresenceLog(ctx);
  }
  const client = await database.pool.connect();
  let stopLog: (() => Promise<void>) | null = null;
  try {
    const [alone] = (await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [SERVING_LOCK])).rows;
    if (alone?.ok) await closeStalePresence(database, Date.now());
    // Shared before the exclusive hold ends, so no other process starting meanwhile finds none.
    await client.query('select pg_advisory_lock_shared($1)', [SERVING_LOCK]);
    if (alone?.ok) await client.query('select pg_advisory_unlock($1)', [SERVING_LOCK]);
    stopLog = startPresenceLog(ctx);
  } catch (error) {
    client.release(true);
    throw error;
  }
  const stop = stopLog;
  return async () => {
    await stop();
    // Ending the session drops its advisory locks, whatever state it is in.
    client.release(true);
  };
}

/** Seconds each agent spent online and away within the period (stretches clipped to it; an open one counts until `at`). */
export async function presenceSeconds(src: RawRows, p: Period, at: number): Promise<Map<number, { online: number; away: number }>> {
  const [least, greatest] = src.driver === 'postgres' ? ['least', 'greatest'] : ['min', 'max'];
  const rows = await src.all<[number, 'online' | 'away', number]>(
    `select agent_id, status, sum(${least}(coalesce(ended_at, ?), ?) - ${greatest}(started_at, ?))
       from agent_presence_log
      where started_at < ? and coalesce(ended_at, ?) > ?
      group by agent_id, status`,
    [at, p.to, p.from, p.to, at, p.from],
  );
  const out = new Map<number, { online: number; away: number }>();
  for (const [agentId, status, ms] of rows) {
    const entry = out.get(agentId) ?? { online: 0, away: 0 };
    entry[status] += Math.max(0, Math.round(ms / 1000));
    out.set(agentId, entry);
  }
  return out;
}
