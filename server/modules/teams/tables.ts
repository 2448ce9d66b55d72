import type { Generated } from 'kysely';

export interface TeamsTable {
  id: Generated<number>;
  name: string;
  created_at: number;
  updated_at: number;
}

export interface TeamMembersTable {
  team_id: number;
  agent_id: number;
}

export interface TeamTables {
  teams: TeamsTable;
  team_members: TeamMembersTable;
}
