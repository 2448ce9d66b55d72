import type { Database } from '../../db/database.js';
import type { Period } from './params.js';
import type { Scope } from './scope.js';

/**
 * The report queries. Each reads the per-ticket metric columns over one indexed range (created,
 * first answered, resolved), never the messages. Rows come back as arrays and are iterated, so a
 * period of 200,000 tickets is one pass with no objects per row.
 */

/** A grouping: `key` is an SQL expression over `tickets t`, `join` what it needs. None: one group, key null. */
export interface Grouping {
  key: string;
  join: string;
}

const NO_GROUP: Grouping = { key: 'null', join: '' };

function rows(database: Database, sql: string, params: unknown[]): IterableIterator<unknown[]> {
  return database.sqlite.prepare(sql).raw(true).iterate(...params) as IterableIterator<unknown[]>;
}

/** [key, created, missed chats, next-response seconds, next-response count] per group, created in the period. */
export function createdTotals(database: Database, p: Period, scope: Scope, g: Grouping = NO_GROUP) {
  return rows(
    database,
    `select ${g.key}, count(*), coalesce(sum(t.chat_missed), 0), coalesce(sum(t.next_response_seconds_total), 0),
            coalesce(sum(t.next_response_count), 0), coalesce(sum(t.channel_kind = 'widget'), 0)
       from tickets t ${g.join}
      where t.created_at >= ? and t.created_at < ? and ${scope.sql}
      group by 1`,
    [p.from, p.to, ...scope.params],
  ) as IterableIterator<[string | number | null, number, number, number, number, number]>;
}

/** [key, first response seconds, is a chat, first responder] for each ticket first answered in the period. */
export function firstResponses(database: Database, p: Period, scope: Scope, g: Grouping = NO_GROUP) {
  return rows(
    database,
    `select ${g.key}, t.first_response_seconds, t.channel_kind = 'widget', t.first_responder_id
       from tickets t ${g.join}
      where t.first_response_at >= ? and t.first_response_at < ? and ${scope.sql}`,
    [p.from, p.to, ...scope.params],
  ) as IterableIterator<[string | number | null, number, number, number | null]>;
}

/** [key, resolution seconds, agent replies, reopens, resolved by] for each ticket resolved in the period. */
export function resolutions(database: Database, p: Period, scope: Scope, g: Grouping = NO_GROUP) {
  return rows(
    database,
    `select ${g.key}, t.resolution_seconds, t.agent_reply_count, t.reopen_count, coalesce(t.resolved_by_id, t.assignee_id)
       from tickets t ${g.join}
      where t.resolved_at >= ? and t.resolved_at < ? and ${scope.sql}`,
    [p.from, p.to, ...scope.params],
  ) as IterableIterator<[string | number | null, number | null, number, number, number | null]>;
}

export function reopenedCount(database: Database, p: Period, scope: Scope): number {
  const row = database.sqlite
    .prepare(`select count(*) as n from tickets t where t.last_reopened_at >= ? and t.last_reopened_at < ? and ${scope.sql}`)
    .get(p.from, p.to, ...scope.params) as { n: number };
  return row.n;
}

/** [key, score, count] of ratings given in the period; per agent, the ticket's assignee is credited. */
export function csatScores(database: Database, p: Period, scope: Scope, g: Grouping = NO_GROUP) {
  return rows(
    database,
    `select ${g.key}, r.score, count(*)
       from csat_ratings r join tickets t on t.id = r.ticket_id ${g.join}
      where r.created_at >= ? and r.created_at < ? and ${scope.sql}
      group by 1, 2`,
    [p.from, p.to, ...scope.params],
  ) as IterableIterator<[string | number | null, number, number]>;
}

/** Chats that offered a rating in the period: ended in it, or rated in it. */
export function csatOffered(database: Database, p: Period, scope: Scope): number {
  const row = database.sqlite
    .prepare(
      `select count(*) as n from widget_conversations c join tickets t on t.id = c.ticket_id
        where ((c.ended_at >= ? and c.ended_at < ?)
           or exists (select 1 from csat_ratings r where r.conversation_id = c.id and r.created_at >= ? and r.created_at < ?))
          and ${scope.sql}`,
    )
    .get(p.from, p.to, p.from, p.to, ...scope.params) as { n: number };
  return row.n;
}

/** [target, met, breached] of SLA clocks started in the period; running and paused clocks are left out. */
export function slaOutcomes(database: Database, p: Period, scope: Scope) {
  return rows(
    database,
    `select s.target,
            coalesce(sum(s.status = 'met' and (s.due_at is null or s.met_at <= s.due_at)), 0),
            coalesce(sum(s.status = 'breached' or (s.status = 'met' and s.met_at > s.due_at)), 0)
       from sla_targets s join tickets t on t.id = s.ticket_id
      where s.started_at >= ? and s.started_at < ? and ${scope.sql}
      group by s.target`,
    [p.from, p.to, ...scope.params],
  ) as IterableIterator<[string, number, number]>;
}

/** [15-minute bucket since the epoch, tickets created in it]. */
export function createdPerQuarterHour(database: Database, p: Period, scope: Scope) {
  return rows(
    database,
    `select t.created_at / 900000, count(*) from tickets t
      where t.created_at >= ? and t.created_at < ? and ${scope.sql}
      group by 1`,
    [p.from, p.to, ...scope.params],
  ) as IterableIterator<[number, number]>;
}
