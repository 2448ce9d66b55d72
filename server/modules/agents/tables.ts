import type { Generated } from 'kysely';

export type Role = 'admin' | 'supervisor' | 'agent';
export type Presence = 'online' | 'away' | 'offline';

export interface AgentsTable {
  id: Generated<number>;
  email: string;
  name: string;
  role: Role;
  password_hash: string | null;
  language: string;
  timezone: string | null;
  avatar_url: string | null;
  /** JSON object of notification preferences */
  preferences: string;
  active: number;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  /** sha256 of the cookie value; the cookie itself is never stored */
  id: string;
  agent_id: number;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  user_agent: string | null;
  ip: string | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  agent_id: number;
  name: string;
  /** sha256 of the secret */
  token_hash: string;
  /** first characters, so a user can tell tokens apart */
  prefix: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface SetupTokensTable {
  token_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface AccountTables {
  agents: AgentsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  setup_tokens: SetupTokensTable;
}
