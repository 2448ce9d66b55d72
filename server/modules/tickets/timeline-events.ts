import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { jsonInteger } from '../../db/dialect-sql.js';
import { prepared, type Bound, type PreparedQuery } from '../../db/prepared.js';
import { parseJsonObject } from './json.js';
import { iso } from './presenter.js';
import {
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  type TimelineChange,
  type TimelineEventView,
} from './schemas.js';
import type { TicketPriority, TicketStatus } from './tables.js';

/** More changes than this in one span is a runaway automation; the newest are the ones worth showing. */
export const EVENT_LIMIT = 200;

/**
 * Which changes a stretch of the timeline covers. Times are ms since epoch, as stored.
 * `afterMessageId` starts the span after that message's time (a page of messages that follows it).
 */
export interface EventSpan {
  /** inclusive */
  from?: number | undefined;
  /** inclusive */
  to?: number | undefined;
  afterMessageId?: number | undefined;
  /** only audit lines newer than this one: what a live update has not shown yet */
  afterId?: number | undefined;
}

export interface EventRow {
  id: number;
  action: string;
  actor_kind: string;
  actor_id: number | null;
  before: string | null;
  after: string | null;
  created_at: number;
  actor_agent_name: string | null;
  actor_contact_name: string | null;
  actor_rule_name: string | null;
  assignee_before_name: string | null;
  assignee_after_name: string | null;
  team_before_name: string | null;
  team_after_name: string | null;
}

/**
 * One statement: the ticket's audit lines through the audit_log_entity index (kind, id, id order)
 * with the names of the actor, assignees and teams joined in by primary key. Creation and merges are
 * left out: the first message and the merge line already show them. Written as SQL rather
 * than with the query builder: building and compiling seven joins took ~10x the time SQLite needs to run them.
 */
export function timelineEventsQuery(
  db: DbOrTx,
  /** SQL (a column of an outer query) or a value, as `from` */
  ticketId: number | RawBuilder<number>,
  /** `from` may be SQL: an opened ticket's statement reads its events, from its newest messages on. */
  span: Omit<EventSpan, 'from'> & { from?: number | RawBuilder<number> | undefined },
  limit = EVENT_LIMIT,
): RawBuilder<EventRow> {
  const where = [sql`a.entity_kind = 'ticket'`, sql`a.entity_id = ${ticketId}`, sql`a.action in ('ticket.updated', 'ticket.reopened', 'rule.applied')`];
  if (span.from !== undefined) where.push(sql`a.created_at >= ${span.from}`);
  if (span.to !== undefined) where.push(sql`a.created_at <= ${span.to}`);
  if (span.afterId !== undefined) where.push(sql`a.id > ${span.afterId}`);
  if (span.afterMessageId !== undefined) where.push(sql`a.created_at > (select created_at from messages where id = ${span.afterMessageId})`);
  return sql<EventRow>`select a.id, a.action, a.actor_kind, a.actor_id, a.before, a.after, a.created_at,
      actor_agent.name as actor_agent_name, actor_contact.name as actor_contact_name,
      actor_rule.name as actor_rule_name,
      assignee_before.name as assignee_before_name, assignee_after.name as assignee_after_name,
      team_before.name as team_before_name, team_after.name as team_after_name
    from audit_log a
    left join agents actor_agent on actor_agent.id = a.actor_id and a.actor_kind = 'agent'
    left join contacts actor_contact on actor_contact.id = a.actor_id and a.actor_kind = 'contact'
    left join rules actor_rule on actor_rule.id = a.actor_id and a.actor_kind = 'automation'
    left join agents assignee_before on assignee_before.id = ${jsonInteger(db, sql`a.before`, 'assigneeId')}
    left join agents assignee_after on assignee_after.id = ${jsonInteger(db, sql`a.after`, 'assigneeId')}
    left join teams team_before on team_before.id = ${jsonInteger(db, sql`a.before`, 'teamId')}
    left join teams team_after on team_after.id = ${jsonInteger(db, sql`a.after`, 'teamId')}
    where ${sql.join(where, sql` and `)}
    order by a.id desc
    limit ${sql.lit(limit)}`;
}

const isStatus = (v: unknown): v is TicketStatus => typeof v === 'string' && (TICKET_STATUSES as readonly string[]).includes(v);
const isPriority = (v: unknown): v is TicketPriority => typeof v === 'string' && (TICKET_PRIORITIES as readonly string[]).includes(v);
const time = (v: unknown): string | null => (typeof v === 'number' && Number.isFinite(v) ? iso(v) : null);
const ref = (id: unknown, name: string | null): { id: number; name: string | null } | null =>
  typeof id === 'number' ? { id, name } : null;
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/**
 * A rule's actions that change no ticket field (a note, an auto-reply, a mail to agents, a webhook):
 * their own line, so every action a rule takes shows. Field changes already have theirs.
 */
const RULE_SIDE_EFFECTS = new Set(['add_note', 'auto_reply', 'email_agents', 'webhook', 'run_assignment']);

/** The changed fields worth a timeline line, in a fixed order; custom fields are left to the audit screen. */
function changesOf(row: EventRow): TimelineChange[] {
  const before = parseJsonObject(row.before);
  const after = parseJsonObject(row.after);
  if (row.action === 'rule.applied') {
    const actions = strings(after.types).filter((t) => RULE_SIDE_EFFECTS.has(t));
    return actions.length > 0 ? [{ field: 'rule', actions }] : [];
  }
  const out: TimelineChange[] = [];
  if ('status' in after && isStatus(after.status)) {
    out.push({ field: 'status', from: isStatus(before.status) ? before.status : null, to: after.status });
  }
  if ('snoozedUntil' in after) out.push({ field: 'snoozedUntil', from: time(before.snoozedUntil), to: time(after.snoozedUntil) });
  if ('assigneeId' in after) {
    out.push({
      field: 'assignee',
      from: ref(before.assigneeId, row.assignee_before_name),
      to: ref(after.assigneeId, row.assignee_after_name),
    });
  }
  if ('teamId' in after) {
    out.push({ field: 'team', from: ref(before.teamId, row.team_before_name), to: ref(after.teamId, row.team_after_name) });
  }
  if ('priority' in after && isPriority(after.priority)) {
    out.push({ field: 'priority', from: isPriority(before.priority) ? before.priority : null, to: after.priority });
  }
  if ('labels' in after) {
    const was = strings(before.labels);
    const now = strings(after.labels);
    const added = now.filter((l) => !was.includes(l));
    const removed = was.filter((l) => !now.includes(l));
    if (added.length > 0 || removed.length > 0) out.push({ field: 'labels', added, removed });
  }
  if (typeof after.subject === 'string') {
    out.push({ field: 'subject', from: typeof before.subject === 'string' ? before.subject : '', to: after.subject });
  }
  return out;
}

const ACTOR_KINDS = ['agent', 'contact', 'system', 'automation'] as const;
type ActorKind = (typeof ACTOR_KINDS)[number];
const actorKind = (v: string): ActorKind => (ACTOR_KINDS as readonly string[]).includes(v) ? (v as ActorKind) : 'system';

export function presentTimelineEvent(ticketId: number, row: EventRow): TimelineEventView | null {
  const changes = changesOf(row);
  if (changes.length === 0) return null;
  const kind = actorKind(row.actor_kind);
  return {
    id: row.id,
    ticketId,
    kind: row.action === 'ticket.reopened' ? 'reopened' : 'updated',
    actor: {
      kind,
      id: row.actor_id,
      name: kind === 'agent' ? row.actor_agent_name : kind === 'contact' ? row.actor_contact_name : kind === 'automation' ? row.actor_rule_name : null,
    },
    changes,
    at: iso(row.created_at),
  };
}

type SpanValues = { ticketId: number; from: number; to: number; afterId: number; afterMessageId: number };

/**
 * timelineEventsQuery compiled once per shape of span (which bounds it has) and limit: every opened
 * ticket and page of messages asks, and compiling the seven joins cost more than running them.
 */
const byShape = new Map<string, PreparedQuery<DbOrTx, Partial<SpanValues>, EventRow>>();

function preparedFor(span: EventSpan, limit: number): PreparedQuery<DbOrTx, Partial<SpanValues>, EventRow> {
  const key = `${limit} ${span.from !== undefined} ${span.to !== undefined} ${span.afterId !== undefined} ${span.afterMessageId !== undefined}`;
  let query = byShape.get(key);
  if (!query) {
    query = prepared((db: DbOrTx, p: Partial<SpanValues>) => {
      const shape: EventSpan = {
        from: span.from === undefined ? undefined : p.from,
        to: span.to === undefined ? undefined : p.to,
        afterId: span.afterId === undefined ? undefined : p.afterId,
        afterMessageId: span.afterMessageId === undefined ? undefined : p.afterMessageId,
      };
      const raw = timelineEventsQuery(db, p.ticketId as number, shape, limit);
      return { compile: () => raw.compile(db) };
    });
    // Shapes are 16 per limit; the bound only keeps odd limits from growing the map forever.
    if (byShape.size >= 100) byShape.clear();
    byShape.set(key, query);
  }
  return query;
}

/** The ticket's changes within a span of its timeline, oldest first. */
export async function timelineEvents(db: DbOrTx, ticketId: number, span: EventSpan, limit = EVENT_LIMIT): Promise<TimelineEventView[]> {
  const values: Partial<SpanValues> = { ticketId };
  if (span.from !== undefined) values.from = span.from;
  if (span.to !== undefined) values.to = span.to;
  if (span.afterId !== undefined) values.afterId = span.afterId;
  if (span.afterMessageId !== undefined) values.afterMessageId = span.afterMessageId;
  return presentTimelineEvents(ticketId, await preparedFor(span, limit).all(db, values as Bound<Partial<SpanValues>>));
}

/** Audit lines as timelineEventsQuery reads them (newest first) as the timeline shows them (oldest first). */
export function presentTimelineEvents(ticketId: number, rows: readonly EventRow[]): TimelineEventView[] {
  const out: TimelineEventView[] = [];
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i];
    const view = row ? presentTimelineEvent(ticketId, row) : null;
    if (view) out.push(view);
  }
  return out;
}
