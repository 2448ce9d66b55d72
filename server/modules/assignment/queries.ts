import { sql } from 'kysely';
import { stringAgg } from '../../db/dialect-sql.js';
import type { DbOrTx } from '../../db/database.js';
import type { PresenceRegistry } from '../../realtime/presence.js';
import { parseIdArray } from '../tickets/json.js';
import type { Candidate } from './chooser.js';
import { channelClass, DEFAULT_SETTINGS, readSettings, type AssignmentSettings } from './settings.js';
import type { AssignmentMode } from './tables.js';

const OPEN = ['open', 'pending'] as const;

const strings = (json: string | null): string[] => {
  try {
    const v: unknown = JSON.parse(json ?? '[]');
    return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
};

interface CandidateRow {
  id: number;
  languages: string | null;
  skills: string | null;
  last_assigned_at: number | null;
  open_load: number;
  email_load: number;
}

/**
 * Active agents of a team (0: every active agent), with their skills, load and last assignment, in
 * one statement: each load is counted from the (assignee_id, status, channel_kind) index alone.
 * Assignment decides often (every message of a queued chat, every sweep), so this is its hot path.
 */
export async function teamCandidates(db: DbOrTx, teamKey: number, presence: PresenceRegistry): Promise<Candidate[]> {
  const inTeam = teamKey === 0 ? sql`` : sql` and a.id in (select agent_id from team_members where team_id = ${teamKey})`;
  const { rows } = await sql<CandidateRow>`select a.id, aa.languages, aa.skills, aa.last_assigned_at,
      (select count(*) from tickets t where t.assignee_id = a.id and t.status in ('open', 'pending')) as open_load,
      (select count(*) from tickets t where t.assignee_id = a.id and t.status in ('open', 'pending') and t.channel_kind = 'email') as email_load
    from agents a left join assignment_agents aa on aa.agent_id = a.id
    where a.active = 1${inTeam}`.execute(db);
  return rows.map((a) => ({
    id: a.id,
    presence: presence.get(a.id),
    // Every kind of channel but email is handled as chat (see channelClass).
    load: { chat: a.open_load - a.email_load, email: a.email_load },
    lastAssignedAt: a.last_assigned_at,
    languages: strings(a.languages),
    skills: strings(a.skills),
  }));
}

export interface TicketFacts {
  id: number;
  status: string;
  assigneeId: number | null;
  teamId: number | null;
  channelKind: string;
  contactId: number;
  createdAt: number;
  language: string | null;
  labels: string[];
  waitingSince: number | null;
  passedOver: number[];
  /** the answer bot is handling the chat: nobody is assigned until it hands over */
  botActive: boolean;
  /** Its team's assignment settings, read with the rest: every intake asks, most often to hear "off". */
  settings: AssignmentSettings;
}

interface FactsRow {
  id: number;
  status: string;
  assignee_id: number | null;
  team_id: number | null;
  channel_kind: string;
  contact_id: number;
  created_at: number;
  merged_into_id: number | null;
  bot_active: number;
  language: string | null;
  waiting_since: number | null;
  passed_over: string | null;
  labels: string | null;
  assignment_mode: AssignmentMode | null;
  assignment_settings: string | null;
}

export async function ticketFacts(db: DbOrTx, ticketId: number): Promise<TicketFacts | null> {
  const { rows } = await sql<FactsRow>`select t.id, t.status, t.assignee_id, t.team_id, t.channel_kind, t.contact_id, t.created_at, t.merged_into_id, t.bot_active,
      c.language, at.waiting_since, at.passed_over, s.mode as assignment_mode, s.settings as assignment_settings,
      (select ${stringAgg(db, sql`l.name`, '\n')} from ticket_labels tl join labels l on l.id = tl.label_id where tl.ticket_id = t.id) as labels
    from tickets t join contacts c on c.id = t.contact_id left join assignment_tickets at on at.ticket_id = t.id
      left join assignment_settings s on s.team_id = coalesce(t.team_id, 0)
    where t.id = ${ticketId}`.execute(db);
  const row = rows[0];
  if (!row || row.merged_into_id !== null) return null;
  return {
    id: row.id,
    status: row.status,
    assigneeId: row.assignee_id,
    teamId: row.team_id,
    channelKind: row.channel_kind,
    contactId: row.contact_id,
    createdAt: row.created_at,
    language: row.language,
    labels: row.labels ? row.labels.split('\n') : [],
    waitingSince: row.waiting_since ?? null,
    passedOver: parseIdArray(row.passed_over ?? null),
    botActive: row.bot_active === 1,
    settings: row.assignment_mode !== null ? readSettings(row.assignment_mode, row.assignment_settings ?? '{}') : { ...DEFAULT_SETTINGS },
  };
}

/** The agent who last handled another ticket of this contact, active since `since`. */
export async function stickyAgent(db: DbOrTx, contactId: number, exceptTicketId: number, since: number): Promise<number | null> {
  const { rows } = await sql<{ assignee_id: number }>`select assignee_id from tickets
    where contact_id = ${contactId} and id != ${exceptTicketId} and assignee_id is not null and last_activity_at >= ${since}
    order by last_activity_at desc limit 1`.execute(db);
  return rows[0]?.assignee_id ?? null;
}

/** Waiting tickets of a team, first to be served first: higher priority, then longer wait. */
export async function waitingTickets(db: DbOrTx, teamKey: number, limit = 500): Promise<Array<{ id: number }>> {
  return db
    .selectFrom('assignment_tickets as at')
    .innerJoin('tickets as t', 't.id', 'at.ticket_id')
    .select('t.id')
    .where('at.team_id', '=', teamKey)
    .where('at.waiting_since', 'is not', null)
    .orderBy('t.priority_rank', 'desc')
    .orderBy('at.waiting_since')
    .orderBy('t.id')
    .limit(limit)
    .execute();
}

export async function queueLengths(db: DbOrTx): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('assignment_tickets')
    .select(['team_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('waiting_since', 'is not', null)
    .groupBy('team_id')
    .execute();
  return new Map(rows.map((r) => [r.team_id, Number(r.n)]));
}

/** 1-based place in the team's queue, or null when the ticket does not wait. */
export async function queuePlace(db: DbOrTx, ticketId: number): Promise<{ position: number; teamKey: number } | null> {
  const me = await db
    .selectFrom('assignment_tickets as at')
    .innerJoin('tickets as t', 't.id', 'at.ticket_id')
    .select(['at.team_id', 'at.waiting_since', 't.priority_rank'])
    .where('at.ticket_id', '=', ticketId)
    .executeTakeFirst();
  if (!me || me.waiting_since === null) return null;
  const ahead = await db
    .selectFrom('assignment_tickets as at')
    .innerJoin('tickets as t', 't.id', 'at.ticket_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('at.team_id', '=', me.team_id)
    .where('at.waiting_since', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('t.priority_rank', '>', me.priority_rank),
        eb.and([eb('t.priority_rank', '=', me.priority_rank), eb('at.waiting_since', '<', me.waiting_since as number)]),
        eb.and([eb('t.priority_rank', '=', me.priority_rank), eb('at.waiting_since', '=', me.waiting_since as number), eb('t.id', '<', ticketId)]),
      ]),
    )
    .executeTakeFirstOrThrow();
  return { position: Number(ahead.n) + 1, teamKey: me.team_id };
}

export async function markWaiting(db: DbOrTx, ticketId: number, teamKey: number, at: number): Promise<void> {
  await db
    .insertInto('assignment_tickets')
    .values({ ticket_id: ticketId, team_id: teamKey, waiting_since: at })
    .onConflict((oc) =>
      oc.column('ticket_id').doUpdateSet((eb) => ({ team_id: teamKey, waiting_since: eb.fn.coalesce('assignment_tickets.waiting_since', eb.val(at)) })),
    )
    .execute();
}

/** Out of the queue without an assignee (assignment turned off, ticket closed or assigned by hand). */
export async function stopWaiting(db: DbOrTx, ticketId: number): Promise<boolean> {
  const r = await db.updateTable('assignment_tickets').set({ waiting_since: null }).where('ticket_id', '=', ticketId).where('waiting_since', 'is not', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** How many of a team's latest automatic assignments the wait estimate averages over. */
const WAIT_SAMPLE = 20;

/**
 * Mean time from a ticket's creation to its automatic assignment, over the team's latest
 * assignments; null when the team has none yet. Creation, not queue entry, is the start because
 * the queue entry is cleared once a ticket is assigned.
 */
export async function recentAssignmentWaitMs(db: DbOrTx, teamKey: number): Promise<number | null> {
  const rows = await db
    .selectFrom('assignment_tickets as at')
    .innerJoin('tickets as t', 't.id', 'at.ticket_id')
    .select(['at.assigned_at', 't.created_at'])
    .where('at.team_id', '=', teamKey)
    .where('at.assigned_at', 'is not', null)
    .orderBy('at.assigned_at', 'desc')
    .limit(WAIT_SAMPLE)
    .execute();
  if (rows.length === 0) return null;
  const total = rows.reduce((sum, r) => sum + Math.max(0, (r.assigned_at ?? r.created_at) - r.created_at), 0);
  return total / rows.length;
}

/** The queue a ticket is (or last was) in, and how many wait in it now. */
export async function queueLengthOf(db: DbOrTx, ticketId: number): Promise<{ teamKey: number; length: number } | null> {
  const row = await db.selectFrom('assignment_tickets').select('team_id').where('ticket_id', '=', ticketId).executeTakeFirst();
  if (!row) return null;
  const n = await db
    .selectFrom('assignment_tickets')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('team_id', '=', row.team_id)
    .where('waiting_since', 'is not', null)
    .executeTakeFirstOrThrow();
  return { teamKey: row.team_id, length: Number(n.n) };
}
