import type SqliteDatabase from 'better-sqlite3';
import type { FirstClocks } from './recompute.js';

const TARGET_COLUMNS = 'ticket_id, target, cycle, policy_id, policy_name, started_at, due_at, warn_at, status, met_at, updated_at, warned_at, breach_fired_at';
const ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, null)';

/**
 * Writes a new ticket's first clocks: its clock rows in one insert, its due times in one update.
 * Straight on the connection, which the caller's transaction holds (SQLite answers synchronously):
 * for two statements per new ticket, Kysely's per-query path cost more than SQLite did.
 */
export function firstClockWriter(sqlite: SqliteDatabase.Database): (ticketId: number, first: FirstClocks, at: number) => void {
  // One insert per row count: a ticket starts with one to three clocks.
  const inserts = new Map<number, SqliteDatabase.Statement>();
  const insert = (rows: number) => {
    let stmt = inserts.get(rows);
    if (!stmt) {
      stmt = sqlite.prepare(`insert into sla_targets (${TARGET_COLUMNS}) values ${Array.from({ length: rows }, () => ROW).join(', ')}`);
      inserts.set(rows, stmt);
    }
    return stmt;
  };
  const update = sqlite.prepare(
    `update tickets set sla_policy_id = ?, first_response_due_at = ?, next_response_due_at = ?, resolution_due_at = ?,
       sla_due_at = ?, sla_warn_at = ?, sla_breached = ? where id = ?`,
  );
  return (ticketId, { policy, clocks, columns: c }, at) => {
    if (clocks.length > 0) {
      insert(clocks.length).run(
        clocks.flatMap((k) => [ticketId, k.target, k.cycle, policy.id, policy.name, k.startedAt, k.dueAt, k.warnAt, k.status, k.metAt, at]),
      );
    }
    update.run(c.sla_policy_id, c.first_response_due_at, c.next_response_due_at, c.resolution_due_at, c.sla_due_at, c.sla_warn_at, c.sla_breached, ticketId);
  };
}
