import type { AppContext } from '../../context.js';
import { now, type DbOrTx } from '../../db/database.js';
import { labelNamesOf } from '../tickets/queries.js';
import type { TicketStatus } from '../tickets/tables.js';
import { computeClocks, type Clock, type ClockPolicy, type TicketHistory } from './clock.js';
import { matches, type TicketFacts } from './conditions.js';
import { conditionsOf } from './presenter.js';
import { listPolicyRows, targetsOfTicket, type SlaPolicyRow } from './queries.js';

type Calendars = Pick<AppContext['businessHours'], 'calendar'>;

function parseObject(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const STATUSES: readonly string[] = ['open', 'pending', 'snoozed', 'resolved', 'closed'];
const asStatus = (v: unknown): TicketStatus | null => (typeof v === 'string' && STATUSES.includes(v) ? (v as TicketStatus) : null);

/** The ticket's status changes (from its audit lines) and the messages that start and stop clocks. */
async function historyOf(db: DbOrTx, ticket: { id: number; created_at: number; status: TicketStatus }): Promise<TicketHistory> {
  const [audits, messages] = await Promise.all([
    db
      .selectFrom('audit_log')
      .select(['before', 'after', 'created_at'])
      .where('entity_kind', '=', 'ticket')
      .where('entity_id', '=', ticket.id)
      .where('action', 'in', ['ticket.updated', 'ticket.reopened'])
      .orderBy('id')
      .execute(),
    db
      .selectFrom('messages')
      .select(['kind', 'created_at'])
      .where('ticket_id', '=', ticket.id)
      .where((eb) => eb.or([eb('kind', '=', 'inbound'), eb.and([eb('kind', '=', 'outbound'), eb('author_kind', '=', 'agent')])]))
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
  ]);
  const statusChanges: TicketHistory['statusChanges'] = [];
  let initialStatus: TicketStatus | null = null;
  for (const a of audits) {
    const to = asStatus(parseObject(a.after).status);
    if (!to) continue;
    initialStatus ??= asStatus(parseObject(a.before).status);
    statusChanges.push({ at: a.created_at, to });
  }
  return {
    createdAt: ticket.created_at,
    initialStatus: initialStatus ?? (statusChanges.length === 0 ? ticket.status : 'open'),
    statusChanges,
    messages: messages.map((m) => ({ at: m.created_at, from: m.kind === 'inbound' ? 'customer' : 'agent' })),
  };
}

export function clockPolicy(calendars: Calendars, row: SlaPolicyRow): ClockPolicy {
  return {
    calendar: row.business_hours_id === null ? null : calendars.calendar(row.business_hours_id),
    pauseWhenPending: row.pause_when_pending === 1,
    pauseWhenSnoozed: row.pause_when_snoozed === 1,
    firstResponseMinutes: row.first_response_minutes,
    nextResponseMinutes: row.next_response_minutes,
    resolutionMinutes: row.resolution_minutes,
    warningMinutes: row.warning_minutes,
    warningPercent: row.warning_percent,
  };
}

async function factsOf(db: DbOrTx, ticket: { id: number; priority: string; status: string; channel_kind: string; channel_name: string; team_id: number | null; contact_id: number }): Promise<TicketFacts> {
  const [labels, contact] = await Promise.all([
    labelNamesOf(db, [ticket.id]),
    db.selectFrom('contacts').select('attributes').where('id', '=', ticket.contact_id).executeTakeFirst(),
  ]);
  return {
    priority: ticket.priority,
    status: ticket.status,
    channelKind: ticket.channel_kind,
    channelName: ticket.channel_name,
    teamId: ticket.team_id,
    labels: labels.get(ticket.id) ?? [],
    contact: parseObject(contact?.attributes ?? null),
  };
}

/** Writes the clocks: fired marks survive a re-computation under the same policy, a new policy starts afresh. */
async function saveClocks(db: DbOrTx, ticketId: number, policy: SlaPolicyRow | null, clocks: Clock[], at: number): Promise<void> {
  const existing = await targetsOfTicket(db, ticketId);
  const key = (target: string, cycle: number) => `${target}:${cycle}`;
  const byKey = new Map(existing.map((r) => [key(r.target, r.cycle), r]));
  const kept = new Set<number>();
  for (const c of clocks) {
    const old = byKey.get(key(c.target, c.cycle));
    const values = {
      policy_id: policy?.id ?? null,
      policy_name: policy?.name ?? '',
      started_at: c.startedAt,
      due_at: c.dueAt,
      warn_at: c.warnAt,
      status: c.status,
      met_at: c.metAt,
      updated_at: at,
    };
    if (old) {
      kept.add(old.id);
      const samePolicy = old.policy_id === values.policy_id;
      await db
        .updateTable('sla_targets')
        .set({ ...values, ...(samePolicy ? {} : { warned_at: null, breach_fired_at: null }) })
        .where('id', '=', old.id)
        .execute();
    } else {
      await db.insertInto('sla_targets').values({ ...values, ticket_id: ticketId, target: c.target, cycle: c.cycle, warned_at: null, breach_fired_at: null }).execute();
    }
  }
  // Clocks that no longer run go, but an outcome that already fired stays as history.
  const gone = existing.filter((r) => !kept.has(r.id));
  const drop = gone.filter((r) => r.breach_fired_at === null && r.met_at === null).map((r) => r.id);
  if (drop.length > 0) await db.deleteFrom('sla_targets').where('id', 'in', drop).execute();
  const stale = gone.filter((r) => !drop.includes(r.id)).map((r) => r.id);
  if (stale.length > 0) await db.updateTable('sla_targets').set({ due_at: null, warn_at: null }).where('id', 'in', stale).execute();
}

function ticketColumns(policy: SlaPolicyRow | null, clocks: Clock[]) {
  const latest = (target: Clock['target']) => clocks.filter((c) => c.target === target).at(-1);
  const live = clocks.filter((c) => c.metAt === null && c.dueAt !== null);
  const min = (xs: Array<number | null>) => {
    const ns = xs.filter((x): x is number => x !== null);
    return ns.length > 0 ? Math.min(...ns) : null;
  };
  return {
    sla_policy_id: policy?.id ?? null,
    first_response_due_at: latest('first_response')?.dueAt ?? null,
    next_response_due_at: latest('next_response')?.dueAt ?? null,
    resolution_due_at: latest('resolution')?.dueAt ?? null,
    sla_due_at: min(live.map((c) => c.dueAt)),
    sla_warn_at: min(live.map((c) => c.warnAt)),
    sla_breached: live.some((c) => c.status === 'breached') ? 1 : 0,
  };
}

/** Chooses the ticket's policy (first match in order) and recomputes its clocks from its history. */
/** Returns whether the ticket's due times or breach state changed (what the list shows). */
export async function recomputeTicket(calendars: Calendars, db: DbOrTx, ticketId: number, at: number = now(), policies?: SlaPolicyRow[]): Promise<boolean> {
  const ticket = await db.selectFrom('tickets').selectAll().where('id', '=', ticketId).executeTakeFirst();
  if (!ticket) return false;
  const rows = policies ?? (await listPolicyRows(db));
  if (rows.length === 0 && ticket.sla_policy_id === null) return false;
  let policy: SlaPolicyRow | null = null;
  if (ticket.merged_into_id === null && rows.length > 0) {
    const facts = await factsOf(db, ticket);
    policy = rows.find((p) => p.enabled === 1 && matches(conditionsOf(p), facts)) ?? null;
  }
  const clocks = policy ? computeClocks(clockPolicy(calendars, policy), await historyOf(db, ticket), at) : [];
  await saveClocks(db, ticket.id, policy, clocks, at);
  const columns = ticketColumns(policy, clocks);
  const changed = (Object.keys(columns) as Array<keyof typeof columns>).some((k) => columns[k] !== ticket[k]);
  if (changed) await db.updateTable('tickets').set(columns).where('id', '=', ticket.id).execute();
  return changed;
}
