import type { Tx } from '../../db/database.js';
import type { KefuEvent } from '../../realtime/events.js';
import { presentOneTicket } from '../tickets/presenter.js';
import { SLA_ACTOR } from './escalation.js';
import type { Recomputed } from './recompute.js';

/**
 * A ticket whose due times moved, announced as `ticket.updated` with changes ['sla'] so lists redraw
 * its badge; that event is the one the SLA subscriptions do not react to, which cuts the loop.
 */
export async function slaChangedEvent(tx: Tx, { ticket: row, labels }: Recomputed): Promise<KefuEvent> {
  const ticket = await presentOneTicket(tx, row, null, labels);
  const scope = { ticketId: row.id, assigneeId: row.assignee_id, teamId: row.team_id };
  return { type: 'ticket.updated', actor: SLA_ACTOR, ...scope, ticket, changes: ['sla'], previous: { assigneeId: row.assignee_id, teamId: row.team_id } };
}
