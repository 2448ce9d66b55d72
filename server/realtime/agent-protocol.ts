import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { TicketDetail } from '../modules/tickets/service.js';
import type { NotificationView } from '../modules/sla/notifications.js';

/** What an agent's browser may send on /api/v1/ws. */
export const ClientFrameSchema = Type.Union([
  Type.Object({ type: Type.Literal('resume'), cursor: Type.Integer({ minimum: 0 }) }),
  Type.Object({ type: Type.Literal('presence'), presence: Type.Union([Type.Literal('online'), Type.Literal('away')]) }),
  Type.Object({ type: Type.Literal('view'), ticketId: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]) }),
  /** view, answered with the ticket as GET /tickets/:id returns it */
  Type.Object({ type: Type.Literal('open'), ticketId: Type.Integer({ minimum: 1 }) }),
  Type.Object({
    type: Type.Literal('typing'),
    ticketId: Type.Integer({ minimum: 1 }),
    composing: Type.Union([Type.Literal('reply'), Type.Literal('note'), Type.Null()]),
  }),
  Type.Object({ type: Type.Literal('ping') }),
]);
export type ClientFrame = Static<typeof ClientFrameSchema>;

export type Composing = 'reply' | 'note' | null;

export interface Viewer {
  id: number;
  name: string;
  /** composing a reply right now: the collision an agent must see before sending */
  replying: boolean;
}

/**
 * What the server sends; `event` frames are built as strings (see AgentHub) and not listed here, from
 * what AgentEventPayloads makes of the bus's events.
 */
export type ServerFrame =
  | { type: 'hello'; cursor: number; agentId: number; presence: Record<string, 'online' | 'away'> }
  /** The cursor asked for is older than the journal keeps: reload lists, then continue from `cursor`. */
  | { type: 'reset'; cursor: number }
  /** Replay finished; live events follow. */
  | { type: 'resumed'; cursor: number }
  | { type: 'presence'; agentId: number; presence: 'online' | 'away' | 'offline' }
  | { type: 'typing'; ticketId: number; agentId: number; composing: Composing }
  | { type: 'viewers'; ticketId: number; agents: Viewer[] }
  /** The customer on a live channel is typing, or has read the agents' messages up to `readAt`: live only, never replayed. */
  | { type: 'customer'; ticketId: number; typing?: boolean; readAt?: string }
  | { type: 'pong' }
  /** An in-app notification for this agent (an SLA warning or breach); live only. */
  | { type: 'notification'; notification: NotificationView }
  /** The answer to `open`: the ticket as GET /tickets/:id returns it. */
  | { type: 'ticket'; ticketId: number; detail: TicketDetail }
  /** How many tickets wait in a team's assignment queue now (teamId null: tickets without a team); live only. */
  | { type: 'queue'; teamId: number | null; length: number }
  /** `ticketId` names the ticket of the frame that failed, when it was about one. */
  | { type: 'error'; code: 'bad_frame' | 'not_found' | 'failed'; message: string; ticketId?: number };

export function parseClientFrame(data: string): ClientFrame | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  return Value.Check(ClientFrameSchema, value) ? value : null;
}
