import type { Generated } from 'kysely';

export interface RealtimeEventsTable {
  cursor: Generated<number>;
  type: string;
  ticket_id: number | null;
  assignee_id: number | null;
  team_id: number | null;
  previous_assignee_id: number | null;
  previous_team_id: number | null;
  /** 1 when previous_* hold the scope before a reassignment */
  has_previous: number;
  /** the event as JSON, exactly as sent live */
  payload: string;
  created_at: number;
}

/** PostgreSQL only: an event relayed to other processes whose JSON outgrew a NOTIFY payload. */
export interface RealtimeRelayTable {
  id: Generated<number>;
  payload: string;
  created_at: number;
}

/** PostgreSQL only: which process holds which agent's connections (see postgres-presence.ts). */
export interface AgentPresenceTable {
  agent_id: number;
  /** the serving process's random id, new at each start */
  process: string;
  status: 'online' | 'away';
  /** last refreshed, ms since the epoch by the database's clock */
  seen_at: number;
}

export interface RealtimeTables {
  realtime_events: RealtimeEventsTable;
  realtime_relay: RealtimeRelayTable;
  agent_presence: AgentPresenceTable;
}
