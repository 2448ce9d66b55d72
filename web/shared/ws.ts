// The agent websocket: reconnects with backoff and resumes from the last event cursor so nothing is missed
// while the network was down.
import type { ClientFrame, ServerFrame } from './types.js';

export type WsState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface WsClientOptions {
  url: string;
  onFrame: (frame: ServerFrame) => void;
  onState?: (state: WsState) => void;
  /** Called after a reconnect, once the server said hello; lets views refetch what may be stale. */
  onResumed?: () => void;
  /** The server closed the socket because the session or token was revoked: reconnecting cannot help. */
  onSignedOut?: () => void;
  /**
   * A connection attempt ended before it opened. A browser cannot see why an upgrade was refused
   * (an ended session answers 401, a network drop nothing), so the app asks over HTTP, where a 401 is visible.
   */
  onRefused?: () => void;
  socketFactory?: (url: string) => WebSocket;
}

/** Delay before reconnect attempt `n` (0-based): 0.5 s doubling to 15 s, with ±20 % jitter. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(15_000, 500 * 2 ** attempt);
  return Math.round(base * (0.8 + random() * 0.4));
}

/** The close code the server uses for a session or token revoked while connected. */
export const SIGNED_OUT = 4401;

export class WsClient {
  state: WsState = 'closed';
  private socket: WebSocket | null = null;
  private cursor: string | number | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  private everOpened = false;
  private readonly queue: ClientFrame[] = [];
  private lastView: ClientFrame | null = null;
  private lastPresence: ClientFrame | null = null;

  constructor(private readonly options: WsClientOptions) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close(1000);
    this.socket = null;
    this.setState('closed');
  }

  send(frame: ClientFrame): void {
    // View and presence are state the server must know again after a reconnect.
    if (frame.type === 'view' || frame.type === 'open') this.lastView = { type: 'view', ticketId: frame.ticketId };
    if (frame.type === 'presence') this.lastPresence = frame;
    if (this.socket && this.socket.readyState === 1) this.socket.send(JSON.stringify(frame));
    // An `open` waits for its answer and goes over HTTP without one: it is never sent late.
    else if (frame.type !== 'typing' && frame.type !== 'open') this.queue.push(frame);
  }

  private setState(state: WsState): void {
    this.state = state;
    this.options.onState?.(state);
  }

  private connect(): void {
    this.setState(this.everOpened ? 'reconnecting' : 'connecting');
    const socket = this.options.socketFactory ? this.options.socketFactory(this.options.url) : new WebSocket(this.options.url);
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.attempt = 0;
      if (this.cursor !== null) socket.send(JSON.stringify({ type: 'resume', cursor: this.cursor } satisfies ClientFrame));
      for (const f of [this.lastPresence, this.lastView]) if (f) socket.send(JSON.stringify(f));
      for (const f of this.queue.splice(0)) if (f.type !== 'view' && f.type !== 'presence') socket.send(JSON.stringify(f));
    };
    socket.onmessage = (ev) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(ev.data)) as ServerFrame;
      } catch {
        return;
      }
      if (frame.type === 'hello') {
        const resumed = this.everOpened;
        this.everOpened = true;
        if (this.cursor === null) this.cursor = frame.cursor;
        this.setState('open');
        if (resumed) this.options.onResumed?.();
      }
      if (frame.type === 'event') this.cursor = frame.cursor;
      this.options.onFrame(frame);
    };
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      if (ev.code === SIGNED_OUT) {
        this.stopped = true;
        this.setState('closed');
        this.options.onSignedOut?.();
        return;
      }
      this.everOpened = this.everOpened || this.cursor !== null;
      if (!opened) this.options.onRefused?.();
      this.setState('reconnecting');
      this.timer = setTimeout(() => this.connect(), backoffDelay(this.attempt++));
    };
    socket.onerror = () => socket.close();
  }
}

export function agentSocketUrl(loc: Location = location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/api/v1/ws`;
}
