import type { WebSocket } from 'ws';

export interface Frame {
  type: string;
  [key: string]: unknown;
}

/** Collects every frame a test websocket receives and waits for the ones a test expects. */
export class FrameLog {
  readonly frames: Frame[] = [];
  #waiters: Array<{ pred: (f: Frame) => boolean; resolve: (f: Frame) => void; from: number }> = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      // Browsers hand binary frames over as Blobs the app cannot parse: every frame must be text.
      if (isBinary) throw new Error('the server sent a binary frame');
      const frame = JSON.parse(String(data)) as Frame;
      this.frames.push(frame);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.pred(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
  }

  /** The first frame (already received or still to come) matching pred. */
  next(pred: (f: Frame) => boolean, timeoutMs = 3000): Promise<Frame> {
    const seen = this.frames.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching frame; got ' + JSON.stringify(this.frames))), timeoutMs);
      this.#waiters.push({
        pred,
        from: this.frames.length,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }

  send(frame: Frame): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** Sends a ping and waits for its pong: every frame sent before it has been handled. */
  async settle(): Promise<void> {
    const before = this.frames.filter((f) => f.type === 'pong').length;
    this.send({ type: 'ping' });
    await this.next(() => this.frames.filter((f) => f.type === 'pong').length > before);
  }

  events(): Frame[] {
    return this.frames.filter((f) => f.type === 'event');
  }
}

/** Anything with Fastify's injectWS: a test app's server. */
interface WebSocketInjector {
  injectWS(
    path: string,
    upgradeContext: { headers: Record<string, string> },
    options: { onInit: (socket: WebSocket) => void },
  ): Promise<WebSocket>;
}

/**
 * Opens the agent websocket in-process with `headers` (a session cookie, or none) and waits for its
 * hello frame. The frame log listens from the very start: hello is sent as soon as the socket opens.
 */
export async function openAgentSocket(app: WebSocketInjector, headers: Record<string, string>, query = ''): Promise<FrameLog> {
  let log: FrameLog | undefined;
  await app.injectWS(`/api/v1/ws${query}`, { headers }, {
    onInit: (socket) => {
      log = new FrameLog(socket);
    },
  });
  if (!log) throw new Error('injectWS did not call onInit');
  await log.next((f) => f.type === 'hello');
  return log;
}
