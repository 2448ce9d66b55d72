import type { Generated } from 'kysely';

export type AssignmentMode = 'off' | 'round_robin' | 'least_loaded';

export interface AssignmentSettingsTable {
  /** 0: the default, for tickets without a team */
  team_id: number;
  mode: AssignmentMode;
  /** JSON AssignmentOptions */
  settings: string;
  rr_last_agent_id: number | null;
  updated_at: number;
}

export interface AssignmentAgentsTable {
  agent_id: number;
  /** JSON array of language tags */
  languages: Generated<string>;
  /** JSON array of skill labels (label names) */
  skills: Generated<string>;
  last_assigned_at: number | null;
}

export interface AssignmentTicketsTable {
  ticket_id: number;
  team_id: number;
  /** set while the ticket waits in its team's queue */
  waiting_since: number | null;
  /** who automation last gave the ticket to, and when */
  assigned_agent_id: number | null;
  assigned_at: number | null;
  /** 1 once the assignee has replied */
  picked_up: Generated<number>;
  /** JSON array of agent ids that let it time out */
  passed_over: Generated<string>;
}

export interface AssignmentTables {
  assignment_settings: AssignmentSettingsTable;
  assignment_agents: AssignmentAgentsTable;
  assignment_tickets: AssignmentTicketsTable;
}
