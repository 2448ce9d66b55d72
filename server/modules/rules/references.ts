import type { DbOrTx } from '../../db/database.js';
import type { Action } from './schemas.js';

/** The teams, active agents and labels that exist now: what a rule's actions may name. */
export interface References {
  teamIds: Set<number>;
  agentIds: Set<number>;
  labels: Set<string>;
}

export async function loadReferences(db: DbOrTx): Promise<References> {
  const [teams, agents, labels] = await Promise.all([
    db.selectFrom('teams').select('id').execute(),
    db.selectFrom('agents').select('id').where('active', '=', 1).execute(),
    db.selectFrom('labels').select('name').execute(),
  ]);
  return {
    teamIds: new Set(teams.map((t) => t.id)),
    agentIds: new Set(agents.map((a) => a.id)),
    labels: new Set(labels.map((l) => l.name.toLowerCase())),
  };
}

/** Why a rule cannot run (it names something deleted), or null. */
export function brokenReason(actions: Action[], refs: References): string | null {
  for (const a of actions) {
    if (a.type === 'assign_team' && a.teamId !== null && !refs.teamIds.has(a.teamId)) return `team ${a.teamId} does not exist`;
    if (a.type === 'assign_agent' && a.agentId !== null && !refs.agentIds.has(a.agentId)) return `agent ${a.agentId} does not exist or is deactivated`;
    if (a.type === 'email_agents') {
      if (a.teamId !== undefined && !refs.teamIds.has(a.teamId)) return `team ${a.teamId} does not exist`;
      if (a.teamId === undefined && (a.agentId === undefined || !refs.agentIds.has(a.agentId))) return `agent ${a.agentId ?? '?'} does not exist or is deactivated`;
    }
    if (a.type === 'add_labels' || a.type === 'remove_labels') {
      const missing = a.labels.find((l) => !refs.labels.has(l.trim().toLowerCase()));
      if (missing !== undefined) return `label "${missing}" does not exist`;
    }
  }
  return null;
}
