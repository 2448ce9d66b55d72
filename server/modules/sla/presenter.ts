import { iso, isoOrNull } from '../tickets/presenter.js';
import type { Conditions } from './conditions.js';
import type { Escalation, SlaPolicyView, TicketSlaView } from './policy-types.js';
import type { DbOrTx } from '../../db/database.js';
import { targetsOfTicket, type SlaPolicyRow, type SlaTargetRow } from './queries.js';

function parse<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export const conditionsOf = (row: SlaPolicyRow): Conditions => parse<Conditions>(row.conditions, { all: [] });
export const escalationOf = (row: SlaPolicyRow): Escalation => parse<Escalation>(row.escalation, { warning: [], breach: [] });

export function presentPolicy(row: SlaPolicyRow): SlaPolicyView {
  return {
    id: row.id,
    name: row.name,
    position: row.position,
    enabled: row.enabled === 1,
    conditions: conditionsOf(row),
    businessHoursId: row.business_hours_id,
    pauseWhenPending: row.pause_when_pending === 1,
    pauseWhenSnoozed: row.pause_when_snoozed === 1,
    targets: {
      firstResponseMinutes: row.first_response_minutes,
      nextResponseMinutes: row.next_response_minutes,
      resolutionMinutes: row.resolution_minutes,
    },
    warning: { minutes: row.warning_minutes, percent: row.warning_percent },
    escalation: escalationOf(row),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

const presentClock = (row: SlaTargetRow | undefined) =>
  row ? { dueAt: isoOrNull(row.due_at), status: row.status, metAt: isoOrNull(row.met_at), warnAt: isoOrNull(row.warn_at) } : null;

/** The ticket's clocks under its current policy; the latest next-response cycle stands for all. */
export function presentTicketSla(policyId: number | null, rows: SlaTargetRow[]): TicketSlaView {
  if (policyId === null) return null;
  const current = rows.filter((r) => r.policy_id === policyId);
  const first = current[0];
  if (!first) return null;
  const next = current.filter((r) => r.target === 'next_response').sort((a, b) => b.cycle - a.cycle)[0];
  return {
    policyId,
    policyName: first.policy_name,
    firstResponse: presentClock(current.find((r) => r.target === 'first_response')),
    nextResponse: presentClock(next),
    resolution: presentClock(current.find((r) => r.target === 'resolution')),
  };
}

/** The ticket's SLA as the detail view shows it. */
export async function ticketSla(db: DbOrTx, ticket: { id: number; sla_policy_id: number | null }): Promise<TicketSlaView> {
  if (ticket.sla_policy_id === null) return null;
  return presentTicketSla(ticket.sla_policy_id, await targetsOfTicket(db, ticket.id));
}
