import type { Generated } from 'kysely';

export type SlaTarget = 'first_response' | 'next_response' | 'resolution';
export type SlaClockStatus = 'running' | 'paused' | 'met' | 'breached';

export interface SlaPoliciesTable {
  id: Generated<number>;
  name: string;
  /** first matching policy wins, lowest position first */
  position: number;
  enabled: Generated<number>;
  /** JSON: { all: [{ field, op, value }] } */
  conditions: string;
  /** null: calendar time */
  business_hours_id: number | null;
  pause_when_pending: number;
  pause_when_snoozed: number;
  first_response_minutes: number | null;
  next_response_minutes: number | null;
  resolution_minutes: number | null;
  warning_minutes: number | null;
  warning_percent: number | null;
  /** JSON: { warning: Action[], breach: Action[] } */
  escalation: string;
  created_at: number;
  updated_at: number;
}

export interface SlaTargetsTable {
  id: Generated<number>;
  ticket_id: number;
  policy_id: number | null;
  policy_name: string;
  target: SlaTarget;
  cycle: number;
  started_at: number;
  due_at: number | null;
  warn_at: number | null;
  status: SlaClockStatus;
  met_at: number | null;
  warned_at: number | null;
  breach_fired_at: number | null;
  updated_at: number;
}

export interface AgentNotificationsTable {
  id: Generated<number>;
  agent_id: number;
  ticket_id: number | null;
  kind: string;
  /** JSON object */
  data: Generated<string>;
  created_at: number;
  read_at: number | null;
}

export interface TicketRemindersTable {
  id: Generated<number>;
  ticket_id: number;
  agent_id: number;
  remind_at: number;
  note: string;
  created_at: number;
  fired_at: number | null;
  /** 1: also mail the agent */
  email: Generated<number>;
}

/** The pending background re-computation of open tickets' clocks: one row at most. */
export interface SlaRecomputeTable {
  id: number;
  generation: number;
  /** tickets up to this id are done */
  after_ticket_id: number;
  requested_at: number;
}

export interface SlaTables {
  ticket_reminders: TicketRemindersTable;
  sla_policies: SlaPoliciesTable;
  sla_targets: SlaTargetsTable;
  agent_notifications: AgentNotificationsTable;
  sla_recompute: SlaRecomputeTable;
}
