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

/**
 * [key, created, missed chats, next-response seconds, next-response count, chats, chats the bot
 * handled, chats it deflected] per group, created in the period.
 */
export function createdTotals(database: Database, p: Period, scope: Scope, g: Grouping = NO_GROUP) {
  return rows(
    database,
    `select ${g.key}, count(*), coalesce(sum(t.chat_missed), 0), coalesce(sum(t.next_response_seconds_total), 0),
            coalesce(sum(t.next_response_count), 0), coalesce(sum(t.channel_kind = 'widget'), 0),
            coalesce(sum(t.channel_kind = 'widget' and t.bot_handled = 1), 0), coalesce(sum(t.channel_kind = 'widget' and t.bot_deflected = 1), 0)
       from tickets t ${g.join}
      where t.created_at >= ? and t.created_at < ? and ${scope.sql}
      group by 1`,
    [p.from, p.to, ...scope.params],
  ) as IterableIterator<[string | number | null, number, number, number, number, number, number, number]>;
}

/**
 * [key, JSON array of first response seconds] per group of tickets first answered in the period.
 * One JSON text per group crosses into JS instead of a row per ticket: parsing it is far cheaper.
 */
export function firstResponsesByGroup(database: Database, p: Period, scope: Scope, g: Grouping) {
  return rows(
    database,
    `select ${g.key}, json_group_array(t.first_response_seconds)
       from tickets t ${g.join}
      where t.first_response_at >= ? and t.first_response_at < ? and ${scope.sql}
      group by 1`,
    [p.from, p.to, ...scope.params],
  ) as IterableIterator<[string | number | null, string]>;
}

/** [key, JSON array of resolution seconds, resolved, one-touch, reopened] per group of tickets resolved in the period. */
export function resolutionsByGroup(database: Database, p: Period, scope: Scope, g: Grouping) {
  return rows(
    database,
    `select ${g.key}, json_group_array(t.resolution_seconds), count(*),
            coalesce(sum(t.agent_reply_count = 1 and t.reopen_count = 0), 0), coalesce(sum(t.reopen_count > 0), 0)
       from tickets t ${g.join}
      where t.resolved_at >= ? and t.resolved_at < ? and ${scope.sql}
      group by 1`,
    [p.from, p.to, ...scope.params],
  ) as IterableIterator<[string | number | null, string, number, number, number]>;
}

/**
 * First response seconds of every ticket first answered in the period, and of the chats among them,
 * as two JSON arrays from one pass over the index.
 */
export function firstResponseSamples(database: Database, p: Period, scope: Scope): { all: string; chats: string } {
  return database.sqlite
    .prepare(
      `select json_group_array(t.first_response_seconds) as "all",
              json_group_array(t.first_response_seconds) filter (where t.channel_kind = 'widget') as chats
         from tickets t where t.first_response_at >= ? and t.first_response_at < ? and ${scope.sql}`,
    )
    .get(p.from, p.to, ...scope.params) as { all: string; chats: string };
}

/** Tickets resolved in the period: their resolution seconds (JSON), how many, one-touch and reopened ones, in one pass. */
export function resolvedSamples(database: Database, p: Period, scope: Scope): { seconds: string; resolved: number; oneTouch: number; reopened: number } {
  return database.sqlite
    .prepare(
      `select json_group_array(t.resolution_seconds) as seconds, count(*) as resolved,
              coalesce(sum(t.agent_reply_count = 1 and t.reopen_count = 0), 0) as oneTouch, coalesce(sum(t.reopen_count > 0), 0) as reopened
         from tickets t where t.resolved_at >= ? and t.resolved_at < ? and ${scope.sql}`,
    )
    .get(p.from, p.to, ...scope.params) as { seconds: string; resolved: number; oneTouch: number; reopened: number };
}

/** [created, answered] of tickets first answered in the period, or [created, resolved] of those resolved in it (ms). */
export function spans(database: Database, p: Period, scope: Scope, end: 'first_response_at' | 'resolved_at') {
  return rows(
    database,
    `select t.created_at, t.${end} from tickets t where t.${end} >= ? and t.${end} < ? and ${scope.sql}`,
    [p.from, p.to, ...scope.params],
  ) as IterableIterator<[number, number]>;
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
       from csat_ratings r cross join tickets t on t.id = r.ticket_id ${g.join}
      where r.created_at >= ? and r.created_at < ? and ${scope.sql}
      group by 1, 2`,
    [p.from, p.to, ...scope.params],
  ) as IterableIterator<[string | number | null, number, number]>;
}

/**
 * Chats that offered a rating in the period: ended in it, or rated in it (a visitor may rate before
 * leaving). CROSS JOIN keeps SQLite walking the small dated table first, not every ticket.
 */
export function csatOffered(database: Database, p: Period, scope: Scope): number {
  const ended = database.sqlite
    .prepare(
      `select count(*) from widget_conversations c cross join tickets t on t.id = c.ticket_id
        where c.ended_at >= ? and c.ended_at < ? and ${scope.sql}`,
    )
    .pluck()
    .get(p.from, p.to, ...scope.params) as number;
  const ratedOnly = database.sqlite
    .prepare(
      `select count(*) from csat_ratings r cross join tickets t on t.id = r.ticket_id
         left join widget_conversations c on c.id = r.conversation_id
        where r.created_at >= ? and r.created_at < ? and not coalesce(c.ended_at >= ? and c.ended_at < ?, 0) and ${scope.sql}`,
    )
    .pluck()
    .get(p.from, p.to, p.from, p.to, ...scope.params) as number;
  return ended + ratedOnly;
}

/** [target, met, breached] of SLA clocks started in the period; running and paused clocks are left out. */
export function slaOutcomes(database: Database, p: Period, scope: Scope) {
  return rows(
    database,
    `select s.target,
            coalesce(sum(s.status = 'met' and (s.due_at is null or s.met_at <= s.due_at)), 0),
            coalesce(sum(s.status = 'breached' or (s.status = 'met' and s.met_at > s.due_at)), 0)
       from sla_targets s cross join tickets t on t.id = s.ticket_id
      where s.started_at >= ? and s.started_at < ? and ${scope.sql}
      group by s.target`,
    [p.from, p.to, ...scope.params],
  ) as IterableIterator<[string, number, number]>;
}

/** [15-minute bucket since the epoch, tickets created (or resolved) in it]. */
export function perQuarterHour(database: Database, p: Period, scope: Scope, column: 'created_at' | 'resolved_at' = 'created_at') {
  return rows(
    database,
    `select t.${column} / 900000, count(*) from tickets t
      where t.${column} >= ? and t.${column} < ? and ${scope.sql}
      group by 1`,
    [p.from, p.to, ...scope.params],
  ) as IterableIterator<[number, number]>;
}
