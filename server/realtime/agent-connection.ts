import type { WebSocket } from 'ws';
import type { AuthAgent } from '../http/auth.js';
import type { TicketAccess } from '../modules/tickets/policy.js';
import type { Composing, ServerFrame } from './agent-protocol.js';

/** One open agent websocket and what it is doing: viewing, typing, replaying. */
export class AgentConnection {
  presence: 'online' | 'away' = 'online';
  viewing: number | null = null;
  typing: { ticketId: number; composing: Exclude<Composing, null>; timer: NodeJS.Timeout } | null = null;
  alive = true;
  #replaying = false;
  #buffer: Array<[number, string]> = [];
  /** The first live event sent before a resume; a replay stops short of it so nothing is sent twice. */
  #firstLive: number | null = null;
  #lastSent = 0;

  constructor(
    readonly agent: AuthAgent,
    public access: TicketAccess,
    readonly socket: WebSocket,
  ) {}

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  send(frame: ServerFrame): void {
    this.sendRaw(JSON.stringify(frame));
  }

  sendRaw(data: string): void {
    if (this.open) this.socket.send(data);
  }

  /** A live event: sent now, or held while a replay is running. */
  deliver(cursor: number, frame: string): void {
    if (this.#replaying) {
      this.#buffer.push([cursor, frame]);
      return;
    }
    this.#firstLive ??= cursor;
    this.#lastSent = cursor;
    this.sendRaw(frame);
  }

  get replaying(): boolean {
    return this.#replaying;
  }

  /** Starts a replay; returns the cursor it must stop before (exclusive), or null for no limit. */
  beginReplay(): number | null {
    this.#replaying = true;
    return this.#firstLive;
  }

  replayed(cursor: number, frame: string): void {
    this.#lastSent = Math.max(this.#lastSent, cursor);
    this.sendRaw(frame);
  }

  /** Ends a replay: what arrived meanwhile goes out, minus what the replay already sent. */
  endReplay(): number {
    for (const [cursor, frame] of this.#buffer) {
      if (cursor <= this.#lastSent) continue;
      this.#lastSent = cursor;
      this.sendRaw(frame);
    }
    this.#buffer = [];
    this.#replaying = false;
    this.#firstLive = null;
    return this.#lastSent;
  }
}
