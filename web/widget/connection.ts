import type {
  ClientFrame,
  ServerFrame,
  WidgetConfigView,
  WidgetMessageView,
  WidgetSessionView,
} from '../../server/channels/widget/protocol.js';
import { reconnectDelay } from './reconnect.js';
import type { Store } from './store.js';

export interface QueuedMessage {
  clientId: string;
  text: string;
  uploadIds: string[];
  createdAt: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ConnectionEvents {
  frame(frame: ServerFrame): void;
  connected(up: boolean): void;
}

/**
 * The visitor's link to Kefu: REST calls and one websocket, authenticated by the visitor token in
 * the frame's store. Messages wait in a persistent queue and leave one at a time, each after the previous
 * one's ack, so they arrive in order; the server drops repeats by client id, so they arrive once.
 */
export class VisitorConnection {
  readonly #prefix: string;
  #ws: WebSocket | null = null;
  #retry = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inFlight: string | null = null;
  #closed = false;
  up = false;
  /** the visitor's browser language, sent with every session so their contact records it */
  language: string | null = null;

  constructor(
    readonly channel: string,
    readonly pageOrigin: string,
    readonly events: ConnectionEvents,
    readonly storage: Store,
  ) {
    this.#prefix = `kefu:${channel}:`;
    // Back on the network, or back on the tab: try now rather than wait out the backoff.
    addEventListener('online', () => this.#reconnectNow());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.#reconnectNow();
    });
    // Another tab queued or sent something: pick it up.
    storage.onChange((key) => {
      if (key === this.#key('queue')) this.flush();
    });
  }

  #key(name: string): string {
    return this.#prefix + name;
  }

  get token(): string | null {
    return this.storage.get(this.#key('token'));
  }

  set token(value: string | null) {
    this.storage.set(this.#key('token'), value || null);
  }

  get queue(): QueuedMessage[] {
    try {
      return JSON.parse(this.storage.get(this.#key('queue')) ?? '[]') as QueuedMessage[];
    } catch {
      return [];
    }
  }

  #saveQueue(queue: QueuedMessage[]): void {
    this.storage.set(this.#key('queue'), JSON.stringify(queue));
  }

  store(name: string, value?: string): string | null {
    if (value !== undefined) this.storage.set(this.#key(name), value);
    return this.storage.get(this.#key(name));
  }

  async request<T>(method: string, path: string, body?: unknown, raw?: { data: Blob; name: string }): Promise<T> {
    const headers: Record<string, string> = { 'x-kefu-origin': this.pageOrigin };
    const token = this.token;
    if (token) headers['x-kefu-visitor'] = token;
    let payload: BodyInit | undefined;
    if (raw) {
      headers['content-type'] = raw.data.type || 'application/octet-stream';
      headers['x-filename'] = encodeURIComponent(raw.name);
      payload = raw.data;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    // Cookies stay home: an agent signed in on this browser must not turn visitor calls into agent calls.
    const res = await fetch(`/api/v1/widget/${encodeURIComponent(this.channel)}${path}`, {
      method,
      headers,
      body: payload,
      credentials: 'omit',
    });
    if (res.status === 204) return undefined as T;
    const json = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
    if (!res.ok) throw new ApiError(res.status, json.error?.code ?? 'error', json.error?.message ?? res.statusText);
    return json as T;
  }

  config(): Promise<WidgetConfigView> {
    return this.request('GET', '/config');
  }

  /** Continues the stored visitor, or starts a new one when there is none or its token is refused. */
  async session(extra: Record<string, string> = {}): Promise<WidgetSessionView> {
    const details = this.language ? { language: this.language, ...extra } : extra;
    try {
      const session = await this.request<WidgetSessionView>('POST', '/session', details);
      this.token = session.token;
      return session;
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401 || !this.token) throw err;
      this.token = null;
      const session = await this.request<WidgetSessionView>('POST', '/session', details);
      this.token = session.token;
      return session;
    }
  }

  history(before?: number): Promise<{ items: WidgetMessageView[]; hasMore: boolean }> {
    return this.request('GET', `/messages?limit=50${before ? `&before=${before}` : ''}`);
  }

  connect(): void {
    this.#closed = false;
    const token = this.token;
    if (!token || this.#ws) return;
    const url = new URL(`/api/v1/widget/${encodeURIComponent(this.channel)}/ws`, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('vt', token);
    url.searchParams.set('po', this.pageOrigin);
    const ws = new WebSocket(url);
    this.#ws = ws;
    ws.onopen = () => {
      this.#retry = 0;
      this.up = true;
      this.#inFlight = null;
      this.events.connected(true);
      this.flush();
    };
    let heard = Date.now();
    // A silent socket may be dead without the browser noticing (sleeping laptop, switched network).
    const heartbeat = setInterval(() => {
      if (Date.now() - heard > 60_000) ws.close();
      else this.send({ type: 'ping' });
    }, 25_000);
    ws.onmessage = (e) => {
      heard = Date.now();
      this.#onFrame(JSON.parse(String(e.data)) as ServerFrame);
    };
    ws.onclose = () => {
      clearInterval(heartbeat);
      this.#ws = null;
      this.#inFlight = null;
      if (this.up) this.events.connected(false);
      this.up = false;
      if (!this.#closed) this.#reconnectSoon();
    };
  }

  disconnect(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#ws?.close();
  }

  #reconnectNow(): void {
    this.#retry = 0;
    this.#reconnectSoon(0);
  }

  #reconnectSoon(delay = reconnectDelay(this.#retry++)): void {
    if (this.#closed || this.#ws) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.connect(), delay);
  }

  send(frame: ClientFrame): boolean {
    if (!this.#ws || this.#ws.readyState !== WebSocket.OPEN) return false;
    this.#ws.send(JSON.stringify(frame));
    return true;
  }

  enqueue(message: QueuedMessage): void {
    this.#saveQueue([...this.queue, message]);
    this.flush();
  }

  /** Sends the oldest queued message unless one is already waiting for its ack. */
  flush(): void {
    if (this.#inFlight) return;
    const next = this.queue[0];
    if (!next) return;
    if (this.send({ type: 'message', clientId: next.clientId, text: next.text, uploadIds: next.uploadIds })) {
      this.#inFlight = next.clientId;
    }
  }

  #settle(clientId: string): void {
    this.#saveQueue(this.queue.filter((m) => m.clientId !== clientId));
    if (this.#inFlight === clientId) this.#inFlight = null;
    this.flush();
  }

  #onFrame(frame: ServerFrame): void {
    if (frame.type === 'ack') this.#settle(frame.clientId);
    if (frame.type === 'error' && frame.clientId) {
      if (frame.code === 'rate_limited' || frame.code === 'internal') {
        // Kept in the queue and tried again shortly, still first in line.
        this.#inFlight = null;
        setTimeout(() => this.flush(), 3000);
      } else {
        this.#settle(frame.clientId);
      }
    }
    this.events.frame(frame);
  }
}

export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
