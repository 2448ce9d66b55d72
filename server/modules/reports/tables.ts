import type { Generated } from 'kysely';

/** One stretch of an agent online or away; offline is the absence of an open stretch. */
export interface AgentPresenceLogTable {
  id: Generated<number>;
  agent_id: number;
  status: 'online' | 'away';
  started_at: number;
  /** null while the stretch lasts */
  ended_at: number | null;
}

export interface ReportTables {
  agent_presence_log: AgentPresenceLogTable;
}
