import type { Presence } from '../modules/agents/tables.js';

/**
 * Who is online right now, per agent. Kept in memory: presence is a property of live
 * connections, and a restart rightly resets everyone to offline. The agent websocket hub
 * writes it; the agents API and the widget ("is anyone there?") read it.
 */
export class PresenceRegistry {
  readonly #byAgent = new Map<number, Presence>();

  get(agentId: number): Presence {
    return this.#byAgent.get(agentId) ?? 'offline';
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
