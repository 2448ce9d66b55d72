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
