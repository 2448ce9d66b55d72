import type { Presence } from '../modules/agents/tables.js';

/**
 * Who is online right now, per agent. The agent websocket hub writes this process's view (`set`);
 * the agents API, auto-assignment and the widget ("is anyone there?") read everyone's.
 */
export interface PresenceRegistry {
  get(agentId: number): Presence;
  /** Every agent online or away, keyed by id (the websocket hello frame). */
  snapshot(): Record<string, 'online' | 'away'>;
  onlineCount(): number;
  /**
   * What the agent's connections to this process add up to now; true when that changed (the hub
   * then announces it). The agent's presence is the best over every process serving.
   */
  set(agentId: number, presence: Presence): boolean;
}

/**
 * One process (SQLite): kept in memory. Presence is a property of live connections, and a restart
 * rightly resets everyone to offline.
 */
export class LocalPresence implements PresenceRegistry {
  readonly #byAgent = new Map<number, Presence>();

  get(agentId: number): Presence {
    return this.#byAgent.get(agentId) ?? 'offline';
  }

  snapshot(): Record<string, 'online' | 'away'> {
    const out: Record<string, 'online' | 'away'> = {};
    for (const [agentId, p] of this.#byAgent) if (p !== 'offline') out[String(agentId)] = p;
    return out;
  }

  set(agentId: number, presence: Presence): boolean {
    const before = this.get(agentId);
    if (presence === 'offline') this.#byAgent.delete(agentId);
    else this.#byAgent.set(agentId, presence);
    return before !== presence;
  }

  onlineCount(): number {
    let n = 0;
    for (const p of this.#byAgent.values()) if (p === 'online') n++;
    return n;
  }
}

/** The better of two presences: online beats away beats offline. */
export function bestPresence(a: Presence, b: Presence): Presence {
  if (a === 'online' || b === 'online') return 'online';
  if (a === 'away' || b === 'away') return 'away';
  return 'offline';
}
