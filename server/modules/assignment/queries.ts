import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import type { PresenceRegistry } from '../../realtime/presence.js';
import { parseIdArray } from '../tickets/json.js';
import type { Candidate } from './chooser.js';
import { channelClass } from './settings.js';

const OPEN = ['open', 'pending'] as const;

const strings = (json: string | null): string[] => {
  try {
    const v: unknown = JSON.parse(json ?? '[]');
    return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
};

/** Active agents of a team (0: every active agent), with their skills, load and last assignment. */
export async function teamCandidates(db: DbOrTx, teamKey: number, presence: PresenceRegistry): Promise<Candidate[]> {
  let q = db
    .selectFrom('agents')
    .leftJoin('assignment_agents as aa', 'aa.agent_id', 'agents.id')
    .select(['agents.id', 'aa.languages', 'aa.skills', 'aa.last_assigned_at'])
    .where('agents.active', '=', 1);
  if (teamKey !== 0) q = q.where('agents.id', 'in', (eb) => eb.selectFrom('team_members').select('agent_id').where('team_id', '=', teamKey));
  const agents = await q.execute();
  if (agents.length === 0) return [];
  const loads = await db
    .selectFrom('tickets')
    .select(['assignee_id', 'channel_kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('assignee_id', 'in', agents.map((a) => a.id))
    .where('status', 'in', OPEN)
    .groupBy(['assignee_id', 'channel_kind'])
    .execute();
  const byAgent = new Map<number, Candidate>();
  for (const a of agents) {
    byAgent.set(a.id, {
      id: a.id,
      presence: presence.get(a.id),
      load: { chat: 0, email: 0 },
      lastAssignedAt: a.last_assigned_at,
      languages: strings(a.languages),
      skills: strings(a.skills),
    });
  }
  for (const l of loads) {
    const c = l.assignee_id === null ? undefined : byAgent.get(l.assignee_id);
    if (c) c.load[channelClass(l.channel_kind)] += Number(l.n);
  }
  return [...byAgent.values()];
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
}

export async function ticketFacts(db: DbOrTx, ticketId: number): Promise<TicketFacts | null> {
  const row = await db
    .selectFrom('tickets as t')
    .innerJoin('contacts as c', 'c.id', 't.contact_id')
    .leftJoin('assignment_tickets as at', 'at.ticket_id', 't.id')
    .select([
      't.id',
      't.status',
      't.assignee_id',
      't.team_id',
      't.channel_kind',
      't.contact_id',
      't.created_at',
      't.merged_into_id',
      'c.language',
      'at.waiting_since',
      'at.passed_over',
      sql<string | null>`(select group_concat(l.name, char(10)) from ticket_labels tl join labels l on l.id = tl.label_id where tl.ticket_id = t.id)`.as('labels'),
    ])
    .where('t.id', '=', ticketId)
    .executeTakeFirst();
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
  };
}

/** The agent who last handled another ticket of this contact, active since `since`. */
export async function stickyAgent(db: DbOrTx, contactId: number, exceptTicketId: number, since: number): Promise<number | null> {
  const row = await db
    .selectFrom('tickets')
    .select('assignee_id')
    .where('contact_id', '=', contactId)
    .where('id', '!=', exceptTicketId)
    .where('assignee_id', 'is not', null)
    .where('last_activity_at', '>=', since)
    .orderBy('last_activity_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.assignee_id ?? null;
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
