import type { AppContext } from '../../context.js';
import { now, type DbOrTx } from '../../db/database.js';
import { findTicket, labelNamesOf, type TicketRow } from '../tickets/queries.js';
import type { TicketStatus } from '../tickets/tables.js';
import { computeClocks, type Clock, type ClockPolicy, type TicketHistory } from './clock.js';
import { matches, type TicketFacts } from './conditions.js';
import { conditionsOf } from './presenter.js';
import { clockMessages, contactAttributes, insertTarget, statusAudits, targetRows, updateTarget, updateTargetNewPolicy, updateTicketSla, type ClockValues, type TicketSlaColumns } from './clock-queries.js';
import type { CachedPolicy } from './policy-cache.js';
import { listPolicyRows, type SlaPolicyRow } from './queries.js';
import type { NewTicket } from '../../intake/new-ticket-hooks.js';

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
  const [audits, messages] = await Promise.all([statusAudits.all(db, { ticketId: ticket.id }), clockMessages.all(db, { ticketId: ticket.id })]);
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
    contactAttributes.first(db, { id: ticket.contact_id }),
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
  const existing = await targetRows.all(db, { ticketId });
  const key = (target: string, cycle: number) => `${target}:${cycle}`;
  const byKey = new Map(existing.map((r) => [key(r.target, r.cycle), r]));
  const kept = new Set<number>();
  for (const c of clocks) {
    const old = byKey.get(key(c.target, c.cycle));
    const values: ClockValues = {
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
      // Most re-computations (a message that starts or stops no clock) change nothing: no write.
      const unchanged = samePolicy && old.policy_name === values.policy_name && old.started_at === values.started_at && old.due_at === values.due_at && old.warn_at === values.warn_at && old.status === values.status && old.met_at === values.met_at;
      if (unchanged) continue;
      await (samePolicy ? updateTarget : updateTargetNewPolicy).execute(db, { ...values, id: old.id });
    } else {
      await insertTarget.execute(db, { ...values, ticket_id: ticketId, target: c.target, cycle: c.cycle });
    }
  }
  // Clocks that no longer run go, but an outcome that already fired stays as history.
  const gone = existing.filter((r) => !kept.has(r.id));
  const drop = gone.filter((r) => r.breach_fired_at === null && r.met_at === null).map((r) => r.id);
  if (drop.length > 0) await db.deleteFrom('sla_targets').where('id', 'in', drop).execute();
  const stale = gone.filter((r) => !drop.includes(r.id)).map((r) => r.id);
  if (stale.length > 0) await db.updateTable('sla_targets').set({ due_at: null, warn_at: null }).where('id', 'in', stale).execute();
}

function ticketColumns(policy: SlaPolicyRow | null, clocks: Clock[]): TicketSlaColumns {
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

/** A new ticket's policy, its clocks and the ticket columns they give. */
export interface FirstClocks {
  policy: SlaPolicyRow;
  clocks: Clock[];
  columns: TicketSlaColumns;
}

/**
 * The first clocks of a ticket intake has just created, from what intake holds: it has no labels,
 * no status changes and one customer message yet, so its history needs no reads, and the policies
 * come from memory. The same choice and arithmetic as recomputeTicket makes from the stored rows;
 * null when no policy applies.
 */
export function firstClocks(calendars: Calendars, policies: CachedPolicy[], created: NewTicket, at: number): FirstClocks | null {
  const { ticket, contact, messageAt } = created;
  const facts: TicketFacts = {
    priority: ticket.priority,
    status: ticket.status,
    channelKind: ticket.channel_kind,
    channelName: ticket.channel_name,
    teamId: ticket.team_id,
    labels: [],
    contact: parseObject(contact.attributes),
  };
  const policy = policies.find((p) => p.row.enabled === 1 && matches(p.conditions, facts))?.row;
  if (!policy) return null;
  const history: TicketHistory = { createdAt: ticket.created_at, initialStatus: ticket.status, statusChanges: [], messages: [{ at: messageAt, from: 'customer' }] };
  const clocks = computeClocks(clockPolicy(calendars, policy), history, at);
  return { policy, clocks, columns: ticketColumns(policy, clocks) };
}

/** A ticket whose due times or breach state changed (what the list shows), as it now is. */
export interface Recomputed {
  ticket: TicketRow;
  /** its labels, when the policy choice read them */
  labels: string[] | undefined;
}

/**
 * Chooses the ticket's policy (first match in order) and recomputes its clocks from its history.
 * Returns the ticket when its due times or breach state changed; null when nothing the list shows did.
 */
export async function recomputeTicket(calendars: Calendars, db: DbOrTx, ticketId: number, at: number = now(), policies?: SlaPolicyRow[]): Promise<Recomputed | null> {
  const ticket = await findTicket(db, ticketId);
  if (!ticket) return null;
  const rows = policies ?? (await listPolicyRows(db));
  if (rows.length === 0 && ticket.sla_policy_id === null) return null;
  let policy: SlaPolicyRow | null = null;
  let labels: string[] | undefined;
  if (ticket.merged_into_id === null && rows.length > 0) {
    const facts = await factsOf(db, ticket);
    labels = facts.labels;
    policy = rows.find((p) => p.enabled === 1 && matches(conditionsOf(p), facts)) ?? null;
  }
  const clocks = policy ? computeClocks(clockPolicy(calendars, policy), await historyOf(db, ticket), at) : [];
  await saveClocks(db, ticket.id, policy, clocks, at);
  const columns = ticketColumns(policy, clocks);
  const changed = (Object.keys(columns) as Array<keyof typeof columns>).some((k) => columns[k] !== ticket[k]);
  if (!changed) return null;
  await updateTicketSla.execute(db, { ...columns, id: ticket.id });
  return { ticket: { ...ticket, ...columns }, labels };
}
