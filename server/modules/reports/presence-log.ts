import type { AppContext } from '../../context.js';
import type { Database } from '../../db/database.js';
import type { Presence } from '../agents/tables.js';
import type { Period } from './params.js';
import { sqliteOnly } from '../../db/sqlite-only.js';

/** Ends the agent's open stretch at `at` and, unless they went offline, opens the next one. */
export function recordPresence(database: Database, agentId: number, presence: Presence, at: number): void {
  const s = database.sqlite;
  s.transaction(() => {
    s.prepare('update agent_presence_log set ended_at = max(started_at, ?) where agent_id = ? and ended_at is null').run(at, agentId);
    if (presence !== 'offline') s.prepare('insert into agent_presence_log (agent_id, status, started_at) values (?, ?, ?)').run(agentId, presence, at);
  })();
}

/**
 * Stretches left open by a process that stopped without closing them (a crash, a kill) end when the
 * agent was last seen by the API, never before they began nor after `at`: the downtime is not counted.
 */
export function closeStalePresence(database: Database, at: number): number {
  return database.sqlite
    .prepare(
      `update agent_presence_log set ended_at = max(started_at, min(?, coalesce((select max(last_seen_at) from sessions s where s.agent_id = agent_presence_log.agent_id), started_at)))
       where ended_at is null`,
    )
    .run(at).changes;
}

/**
 * Records every presence change the agent hub announces. On close, the stretches this process opened
 * end now: another process on the same database (a CLI command) leaves the server's alone.
 */
export function startPresenceLog(ctx: AppContext): () => void {
  const mine = new Set<number>();
  const off = ctx.bus.on('agent.presence', (e) => {
    recordPresence(sqliteOnly(ctx.database, 'presence log'), e.agentId, e.presence, Date.now());
    if (e.presence === 'offline') mine.delete(e.agentId);
    else mine.add(e.agentId);
  });
  return () => {
    off();
    const at = Date.now();
    for (const agentId of mine) recordPresence(sqliteOnly(ctx.database, 'presence log'), agentId, 'offline', at);
    mine.clear();
  };
}

/** Seconds each agent spent online and away within the period (stretches clipped to it; an open one counts until `at`). */
export function presenceSeconds(database: Database, p: Period, at: number): Map<number, { online: number; away: number }> {
  const rows = database.sqlite
    .prepare(
      `select agent_id as agentId, status, sum(min(coalesce(ended_at, :at), :to) - max(started_at, :from)) as ms
       from agent_presence_log
       where started_at < :to and coalesce(ended_at, :at) > :from
       group by agent_id, status`,
    )
    .all({ from: p.from, to: p.to, at }) as Array<{ agentId: number; status: 'online' | 'away'; ms: number }>;
  const out = new Map<number, { online: number; away: number }>();
  for (const r of rows) {
    const entry = out.get(r.agentId) ?? { online: 0, away: 0 };
    entry[r.status] += Math.max(0, Math.round(r.ms / 1000));
    out.set(r.agentId, entry);
  }
  return out;
}
