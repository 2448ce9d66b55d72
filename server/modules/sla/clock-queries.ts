import type { DbOrTx } from '../../db/database.js';
import { prepared } from '../../db/prepared.js';
import type { SlaClockStatus, SlaTarget } from './tables.js';

/**
 * The statements every SLA re-computation runs, once per ticket and so once or twice per inbound
 * message: built and compiled once (building a query costs more than SQLite takes to run it).
 */

export const contactAttributes = prepared((db: DbOrTx, p: { id: number }) => db.selectFrom('contacts').select('attributes').where('id', '=', p.id));

export const statusAudits = prepared((db: DbOrTx, p: { ticketId: number }) =>
  db
    .selectFrom('audit_log')
    .select(['before', 'after', 'created_at'])
    .where('entity_kind', '=', 'ticket')
    .where('entity_id', '=', p.ticketId)
    .where('action', 'in', ['ticket.updated', 'ticket.reopened'])
    .orderBy('id'),
);

/** Customer messages and agent replies: what starts and stops clocks (notes and bots do not). */
export const clockMessages = prepared((db: DbOrTx, p: { ticketId: number }) =>
  db
    .selectFrom('messages')
    .select(['kind', 'created_at'])
    .where('ticket_id', '=', p.ticketId)
    .where((eb) => eb.or([eb('kind', '=', 'inbound'), eb.and([eb('kind', '=', 'outbound'), eb('author_kind', '=', 'agent')])]))
    .orderBy('created_at')
    .orderBy('id'),
);

export const targetRows = prepared((db: DbOrTx, p: { ticketId: number }) =>
  db.selectFrom('sla_targets').selectAll().where('ticket_id', '=', p.ticketId).orderBy('target').orderBy('cycle'),
);

export interface ClockValues {
  policy_id: number | null;
  policy_name: string;
  started_at: number;
  due_at: number | null;
  warn_at: number | null;
  status: SlaClockStatus;
  met_at: number | null;
  updated_at: number;
}

export const insertTarget = prepared((db: DbOrTx, p: ClockValues & { ticket_id: number; target: SlaTarget; cycle: number }) =>
  db.insertInto('sla_targets').values({
    ticket_id: p.ticket_id,
    target: p.target,
    cycle: p.cycle,
    policy_id: p.policy_id,
    policy_name: p.policy_name,
    started_at: p.started_at,
    due_at: p.due_at,
    warn_at: p.warn_at,
    status: p.status,
    met_at: p.met_at,
    updated_at: p.updated_at,
    warned_at: null,
    breach_fired_at: null,
  }),
);

const setClock = (p: ClockValues) => ({
  policy_id: p.policy_id,
  policy_name: p.policy_name,
  started_at: p.started_at,
  due_at: p.due_at,
  warn_at: p.warn_at,
  status: p.status,
  met_at: p.met_at,
  updated_at: p.updated_at,
});

export const updateTarget = prepared((db: DbOrTx, p: ClockValues & { id: number }) => db.updateTable('sla_targets').set(setClock(p)).where('id', '=', p.id));

/** Under another policy the fired marks start afresh: its warning and breach are new ones. */
export const updateTargetNewPolicy = prepared((db: DbOrTx, p: ClockValues & { id: number }) =>
  db.updateTable('sla_targets').set({ ...setClock(p), warned_at: null, breach_fired_at: null }).where('id', '=', p.id),
);

export interface TicketSlaColumns {
  sla_policy_id: number | null;
  first_response_due_at: number | null;
  next_response_due_at: number | null;
  resolution_due_at: number | null;
  sla_due_at: number | null;
  sla_warn_at: number | null;
  sla_breached: number;
}

export const updateTicketSla = prepared((db: DbOrTx, p: TicketSlaColumns & { id: number }) =>
  db
    .updateTable('tickets')
    .set({
      sla_policy_id: p.sla_policy_id,
      first_response_due_at: p.first_response_due_at,
      next_response_due_at: p.next_response_due_at,
      resolution_due_at: p.resolution_due_at,
      sla_due_at: p.sla_due_at,
      sla_warn_at: p.sla_warn_at,
      sla_breached: p.sla_breached,
    })
    .where('id', '=', p.id),
);
