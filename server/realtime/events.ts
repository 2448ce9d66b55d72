import type { BusEvent } from './bus.js';

/**
 * Every event Kefu emits, named `resource.verb`. Modules add their events to this union;
 * websocket hubs, automation and the outbox react to them.
 */
export type KefuEvent = AgentPresenceChanged;

export interface AgentPresenceChanged extends BusEvent {
  type: 'agent.presence';
  agentId: number;
  presence: 'online' | 'away' | 'offline';
}
