import type { AssignmentSettings, ChannelClass } from './settings.js';

export type Presence = 'online' | 'away' | 'offline';

/** One agent who could take the ticket, as the chooser sees them at one moment. */
export interface Candidate {
  id: number;
  presence: Presence;
  /** open tickets assigned now, per class of channel */
  load: Record<ChannelClass, number>;
  lastAssignedAt: number | null;
  languages: readonly string[];
  skills: readonly string[];
}

export interface TicketNeeds {
  channelClass: ChannelClass;
  language: string | null;
  labels: readonly string[];
  /** the agent who last handled this contact within the sticky window, if any */
  stickyAgentId: number | null;
  /** since when the ticket has waited (ms); skills give way to anyone after the fallback wait */
  waitingSince: number;
  /** agents who let it time out: never chosen again for it */
  passedOver: readonly number[];
}

export interface Choice {
  agentId: number;
  reason: 'sticky' | 'skills' | 'round_robin' | 'least_loaded';
}

/** May this agent take one more ticket of this class now? */
export function available(agent: Candidate, cls: ChannelClass, settings: AssignmentSettings): boolean {
  if (agent.load[cls] >= settings.capacity[cls]) return false;
  if (agent.presence === 'online') return true;
  if (cls === 'chat') return !settings.onlineOnlyForChat && agent.presence === 'away';
  return settings.emailToAway && agent.presence === 'away';
}

const matches = (agent: Candidate, needs: TicketNeeds): boolean =>
  (needs.language !== null && agent.languages.some((l) => sameLanguage(l, needs.language ?? ''))) ||
  needs.labels.some((label) => agent.skills.some((s) => s.toLowerCase() === label.toLowerCase()));

/** "zh" serves "zh-CN"; "zh-TW" does not serve "zh-CN". */
function sameLanguage(agentTag: string, ticketTag: string): boolean {
  const a = agentTag.toLowerCase();
  const t = ticketTag.toLowerCase();
  return a === t || t.startsWith(`${a}-`);
}

const totalLoad = (c: Candidate): number => c.load.chat + c.load.email;

function leastLoaded(pool: Candidate[]): Candidate | undefined {
  let best: Candidate | undefined;
  for (const c of pool) {
    if (!best) best = c;
    else if (totalLoad(c) !== totalLoad(best)) best = totalLoad(c) < totalLoad(best) ? c : best;
    else if ((c.lastAssignedAt ?? -1) !== (best.lastAssignedAt ?? -1)) best = (c.lastAssignedAt ?? -1) < (best.lastAssignedAt ?? -1) ? c : best;
    else if (c.id < best.id) best = c;
  }
  return best;
}

/** The next agent after the last one given a ticket, in id order, wrapping round. */
function nextInTurn(pool: Candidate[], lastAgentId: number | null): Candidate | undefined {
  const sorted = [...pool].sort((a, b) => a.id - b.id);
  return sorted.find((c) => lastAgentId === null || c.id > lastAgentId) ?? sorted[0];
}

/**
 * Who gets the ticket, or null when it has to wait. Order: the contact's sticky agent, then agents
 * whose languages or skills match (for skillsFallbackSeconds, only them, when the team has any),
 * then the team by the mode's rule.
 */
export function chooseAgent(
  team: readonly Candidate[],
  needs: TicketNeeds,
  settings: AssignmentSettings,
  lastAgentId: number | null,
  now: number,
): Choice | null {
  if (settings.mode === 'off') return null;
  const pool = team.filter((c) => !needs.passedOver.includes(c.id) && available(c, needs.channelClass, settings));
  if (needs.stickyAgentId !== null) {
    const sticky = pool.find((c) => c.id === needs.stickyAgentId);
    if (sticky) return { agentId: sticky.id, reason: 'sticky' };
  }
  const pick = (from: Candidate[]) => (settings.mode === 'round_robin' ? nextInTurn(from, lastAgentId) : leastLoaded(from));
  const skilled = team.filter((c) => matches(c, needs));
  if (skilled.length > 0) {
    const chosen = pick(pool.filter((c) => matches(c, needs)));
    if (chosen) return { agentId: chosen.id, reason: 'skills' };
    if (now - needs.waitingSince < settings.skillsFallbackSeconds * 1000) return null;
  }
  const chosen = pick(pool);
  return chosen ? { agentId: chosen.id, reason: settings.mode } : null;
}
