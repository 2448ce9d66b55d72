import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { AuthAgent } from '../http/auth.js';
import type { TicketAccess } from '../modules/tickets/policy.js';
import type { Composing, ServerFrame } from './agent-protocol.js';
import type { EncodedFrame } from './ws-frame.js';

/** A text frame; one Buffer shared by every recipient saves encoding the text once per socket. */
export type Frame = string | Buffer;

/** One open agent websocket and what it is doing: viewing, typing, replaying. */
export class AgentConnection {
  presence: 'online' | 'away' = 'online';
  viewing: number | null = null;
  typing: { ticketId: number; composing: Exclude<Composing, null>; timer: NodeJS.Timeout } | null = null;
  alive = true;
  #replaying = false;
  #buffer: Array<[number, EncodedFrame]> = [];
  #corked = false;
  /** The first live event sent before a resume; a replay stops short of it so nothing is sent twice. */
  #firstLive: number | null = null;
  /** The browser session the socket was opened with; null for an API token. */
  sessionId: string | null = null;
  #lastSent = 0;
  /**
   * Where frames framed once for every socket (see ws-frame.ts) may be written directly: the TCP
   * socket, unless an extension (compression) was negotiated and frames must go through ws.
   */
  readonly #wire: Socket | null;
  /** Encoded frames waiting for the end of this tick, when the hub writes them in one go. */
  #held: Buffer[] = [];
  /** Every held frame is one of the hub's frames of this tick, in its order (none skipped unless unseen). */
  #heldLive = true;

  constructor(
    readonly agent: AuthAgent,
    public access: TicketAccess,
    readonly socket: WebSocket,
    /** The TCP socket under the websocket, when known: lets frames of one tick share a write. */
    private readonly transport?: Socket,
    /** Told when this connection starts holding frames for the end of the tick. */
    private readonly onHold?: (conn: AgentConnection) => void,
  ) {
    this.#wire = transport && socket.extensions === '' ? transport : null;
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  send(frame: ServerFrame): void {
    this.sendRaw(JSON.stringify(frame));
  }

  sendRaw(data: Frame): void {
    if (!this.open) return;
    // Frames held for the end of the tick were sent first: they leave first.
    this.writeHeld(null);
    this.#cork();
    this.socket.send(data, { binary: false });
  }

  /**
   * A frame encoded once for all sockets; the same bytes ws would have written. Held until the
   * hub's end of tick (see AgentHub), when all of the tick's frames for this socket leave in one write.
   */
  sendEncoded(frame: EncodedFrame, live = false): void {
    if (!this.open) return;
    if (!this.#wire || !this.onHold) {
      this.sendRaw(frame.text);
      return;
    }
    if (this.#held.length === 0) {
      this.#heldLive = true;
      this.onHold(this);
    }
    this.#held.push(frame.wire);
    if (!live) this.#heldLive = false;
  }

  /** How many of the tick's frames are held, or -1 when the held ones are not all the tick's. */
  get heldLive(): number {
    return this.#heldLive ? this.#held.length : -1;
  }

  /** Writes the held frames: as `all` (the tick's frames joined once for every socket that got them all) or joined here. */
  writeHeld(all: Buffer | null): void {
    const held = this.#held;
    if (held.length === 0) return;
    this.#held = [];
    if (!this.open || !this.#wire) return;
    this.#cork();
    this.#wire.write(all ?? (held.length === 1 ? held[0]! : Buffer.concat(held)));
  }

  #cork(): void {
    // A commit of a batch of intakes emits several events per message to every agent: held until
    // this tick ends, they leave in one write instead of one system call each (200 sockets × 3
    // frames cost 16 ms as strings one by one, under 1 ms as shared buffers corked).
    if (this.transport && !this.#corked) {
      this.#corked = true;
      this.transport.cork();
      process.nextTick(() => {
        this.#corked = false;
        this.transport?.uncork();
      });
    }
  }

  /** A live event: sent now, or held while a replay is running. */
  deliver(cursor: number, frame: EncodedFrame): void {
    if (this.#replaying) {
      this.#buffer.push([cursor, frame]);
      return;
    }
    this.#firstLive ??= cursor;
    this.#lastSent = cursor;
    this.sendEncoded(frame, true);
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
      this.sendEncoded(frame);
    }
    this.#buffer = [];
    this.#replaying = false;
    this.#firstLive = null;
    return this.#lastSent;
  }
}
