import type { RawRows } from '../../db/raw-rows.js';
import type { Period } from './params.js';
import type { Scope } from './scope.js';

/**
 * The report queries. Each reads the per-ticket metric columns over one indexed range (created,
 * first answered, resolved), never the messages. Grouped figures come back as a few arrays; the
 * samples of a group cross as one JSON text rather than a row per ticket.
 */

/** A grouping: `key` is an SQL expression over `tickets t`, `join` what it needs. None: one group, key null. */
export interface Grouping {
  key: string;
  join: string;
}

const NO_GROUP: Grouping = { key: 'null', join: '' };

type Key = string | number | null;

/**
 * The few words the two drivers spell differently, chosen once per driver so each statement is
 * fixed text; on SQLite every statement is the one tuned before PostgreSQL was served.
 */
export interface ReportSql {
  /** rows satisfying `condition` in the group */
  countIf(condition: string): string;
  /** the group's values of `expr` as a JSON array (text), '[]' when none */
  jsonList(expr: string, filter?: string): string;
  /**
   * A join that walks the small dated table on its left first: SQLite's CROSS JOIN fixes the order
   * (its planner would otherwise start from tickets); PostgreSQL's planner picks it from statistics.
   */
  walkFirst: string;
}

const SQLITE: ReportSql = {
  countIf: (condition) => `coalesce(sum(${condition}), 0)`,
  jsonList: (expr, filter) => `json_group_array(${expr})${filter ? ` filter (where ${filter})` : ''}`,
  walkFirst: 'cross join',
};

const POSTGRES: ReportSql = {
  countIf: (condition) => `count(*) filter (where ${condition})`,
  jsonList: (expr, filter) => `coalesce(json_agg(${expr})${filter ? ` filter (where ${filter})` : ''}, '[]')::text`,
  walkFirst: 'join',
};

export const reportSql = (src: RawRows): ReportSql => (src.driver === 'postgres' ? POSTGRES : SQLITE);

/**
 * [key, created, missed chats, next-response seconds, next-response count, chats, chats the bot
 * handled, chats it deflected] per group, created in the period.
 */
export function createdTotals(src: RawRows, p: Period, scope: Scope, g: Grouping = NO_GROUP) {
  const q = reportSql(src);
  return src.all<[Key, number, number, number, number, number, number, number]>(
    `select ${g.key}, count(*), coalesce(sum(t.chat_missed), 0), coalesce(sum(t.next_response_seconds_total), 0),
            coalesce(sum(t.next_response_count), 0), ${q.countIf(`t.channel_kind = 'widget'`)},
            ${q.countIf(`t.channel_kind = 'widget' and t.bot_handled = 1`)}, ${q.countIf(`t.channel_kind = 'widget' and t.bot_deflected = 1`)}
       from tickets t ${g.join}
      where t.created_at >= ? and t.created_at < ? and ${scope.sql}
      group by 1`,
    [p.from, p.to, ...scope.params],
  );
}

/**
 * [key, JSON array of first response seconds] per group of tickets first answered in the period.
 * One JSON text per group crosses into JS instead of a row per ticket: parsing it is far cheaper.
 */
export function firstResponsesByGroup(src: RawRows, p: Period, scope: Scope, g: Grouping) {
  return src.all<[Key, string]>(
    `select ${g.key}, ${reportSql(src).jsonList('t.first_response_seconds')}
       from tickets t ${g.join}
      where t.first_response_at >= ? and t.first_response_at < ? and ${scope.sql}
      group by 1`,
    [p.from, p.to, ...scope.params],
  );
}

/** [key, JSON array of resolution seconds, resolved, one-touch, reopened] per group of tickets resolved in the period. */
export function resolutionsByGroup(src: RawRows, p: Period, scope: Scope, g: Grouping) {
  const q = reportSql(src);
  return src.all<[Key, string, number, number, number]>(
    `select ${g.key}, ${q.jsonList('t.resolution_seconds')}, count(*),
            ${q.countIf('t.agent_reply_count = 1 and t.reopen_count = 0')}, ${q.countIf('t.reopen_count > 0')}
       from tickets t ${g.join}
      where t.resolved_at >= ? and t.resolved_at < ? and ${scope.sql}
      group by 1`,
    [p.from, p.to, ...scope.params],
  );
}

/**
 * First response seconds of every ticket first answered in the period, and of the chats among them,
 * as two JSON arrays from one pass over the index.
 */
export async function firstResponseSamples(src: RawRows, p: Period, scope: Scope): Promise<{ all: string; chats: string }> {
  const q = reportSql(src);
  const [row] = await src.all<[string, string]>(
    `select ${q.jsonList('t.first_response_seconds')}, ${q.jsonList('t.first_response_seconds', `t.channel_kind = 'widget'`)}
       from tickets t where t.first_response_at >= ? and t.first_response_at < ? and ${scope.sql}`,
    [p.from, p.to, ...scope.params],
  );
  return { all: row?.[0] ?? '[]', chats: row?.[1] ?? '[]' };
}

/** Tickets resolved in the period: their resolution seconds (JSON), how many, one-touch and reopened ones, in one pass. */
export async function resolvedSamples(src: RawRows, p: Period, scope: Scope): Promise<{ seconds: string; resolved: number; oneTouch: number; reopened: number }> {
  const q = reportSql(src);
  const [row] = await src.all<[string, number, number, number]>(
    `select ${q.jsonList('t.resolution_seconds')}, count(*),
            ${q.countIf('t.agent_reply_count = 1 and t.reopen_count = 0')}, ${q.countIf('t.reopen_count > 0')}
       from tickets t where t.resolved_at >= ? and t.resolved_at < ? and ${scope.sql}`,
    [p.from, p.to, ...scope.params],
  );
  return { seconds: row?.[0] ?? '[]', resolved: row?.[1] ?? 0, oneTouch: row?.[2] ?? 0, reopened: row?.[3] ?? 0 };
}

/** Hands `fn` [created, answered] of each ticket first answered in the period, or [created, resolved] of those resolved in it (ms). */
export function eachSpan(src: RawRows, p: Period, scope: Scope, end: 'first_response_at' | 'resolved_at', fn: (row: [number, number]) => void) {
  return src.each<[number, number]>(
    `select t.created_at, t.${end} from tickets t where t.${end} >= ? and t.${end} < ? and ${scope.sql}`,
    [p.from, p.to, ...scope.params],
    fn,
  );
}

export async function reopenedCount(src: RawRows, p: Period, scope: Scope): Promise<number> {
  const [row] = await src.all<[number]>(`select count(*) from tickets t where t.last_reopened_at >= ? and t.last_reopened_at < ? and ${scope.sql}`, [
    p.from,
    p.to,
    ...scope.params,
  ]);
  return row?.[0] ?? 0;
}

/** [key, score, count] of ratings given in the period; per agent, the ticket's assignee is credited. */
export function csatScores(src: RawRows, p: Period, scope: Scope, g: Grouping = NO_GROUP) {
  return src.all<[Key, number, number]>(
    `select ${g.key}, r.score, count(*)
       from csat_ratings r ${reportSql(src).walkFirst} tickets t on t.id = r.ticket_id ${g.join}
      where r.created_at >= ? and r.created_at < ? and ${scope.sql}
      group by 1, 2`,
    [p.from, p.to, ...scope.params],
  );
}

/**
 * Chats that offered a rating in the period: ended in it, or rated in it (a visitor may rate before
 * leaving). The dated table is walked first, not every ticket.
 */
export async function csatOffered(src: RawRows, p: Period, scope: Scope): Promise<number> {
  const join = reportSql(src).walkFirst;
  const [ended] = await src.all<[number]>(
    `select count(*) from widget_conversations c ${join} tickets t on t.id = c.ticket_id
      where c.ended_at >= ? and c.ended_at < ? and ${scope.sql}`,
    [p.from, p.to, ...scope.params],
  );
  const [ratedOnly] = await src.all<[number]>(
    `select count(*) from csat_ratings r ${join} tickets t on t.id = r.ticket_id
       left join widget_conversations c on c.id = r.conversation_id
      where r.created_at >= ? and r.created_at < ? and (c.ended_at is null or c.ended_at < ? or c.ended_at >= ?) and ${scope.sql}`,
    [p.from, p.to, p.from, p.to, ...scope.params],
  );
  return (ended?.[0] ?? 0) + (ratedOnly?.[0] ?? 0);
}

/** [target, met, breached] of SLA clocks started in the period, by target; running and paused clocks are left out. */
export async function slaOutcomes(src: RawRows, p: Period, scope: Scope) {
  const q = reportSql(src);
  const rows = await src.all<[string, number, number]>(
    `select s.target,
            ${q.countIf(`s.status = 'met' and (s.due_at is null or s.met_at <= s.due_at)`)},
            ${q.countIf(`s.status = 'breached' or (s.status = 'met' and s.met_at > s.due_at)`)}
       from sla_targets s ${q.walkFirst} tickets t on t.id = s.ticket_id
      where s.started_at >= ? and s.started_at < ? and ${scope.sql}
      group by s.target`,
    [p.from, p.to, ...scope.params],
  );
  // SQLite's grouping happens to sort; PostgreSQL's hashing does not.
  return rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** [15-minute bucket since the epoch, tickets created (or resolved) in it]. */
export function perQuarterHour(src: RawRows, p: Period, scope: Scope, column: 'created_at' | 'resolved_at' = 'created_at') {
  return src.all<[number, number]>(
    `select t.${column} / 900000, count(*) from tickets t
      where t.${column} >= ? and t.${column} < ? and ${scope.sql}
      group by 1`,
    [p.from, p.to, ...scope.params],
  );
}
