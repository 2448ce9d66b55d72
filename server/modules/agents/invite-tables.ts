import type { Generated } from 'kysely';
import type { Role } from './tables.js';

export interface AgentInvitesTable {
  id: Generated<number>;
  email: string;
  role: Role;
  team_id: number | null;
  /** sha256 of the token in the link; replaced when the link is sent again */
  token_hash: string;
  invited_by: number | null;
  created_at: number;
  /** when the current link was made */
  sent_at: number;
  expires_at: number;
  accepted_at: number | null;
  revoked_at: number | null;
  /** the new agent's language, which the invitation mail is written in; null before it was asked */
  language: 'en' | 'zh-CN' | 'zh-TW' | null;
  /** the agent the invitation became */
  agent_id: number | null;
}

export interface PasswordResetsTable {
  /** sha256 of the token in the link */
  token_hash: string;
  agent_id: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface InviteTables {
  agent_invites: AgentInvitesTable;
  password_resets: PasswordResetsTable;
}
