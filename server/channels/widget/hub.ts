import type { ServerFrame } from './protocol.js';

export interface VisitorSocket {
  send(data: string): void;
}

/**
 * The visitor websockets open in this process, by visitor: one visitor may have several tabs,
 * and every one of them sees agent replies and the visitor's own messages from the other tabs.
 */
export class VisitorHub {
  readonly #byVisitor = new Map<string, Set<VisitorSocket>>();
  readonly #channelOf = new Map<string, string>();

  /** `onOpenSockets(+1 | -1)` keeps an outside count (the websocket gauge in /metrics) in step. */
  constructor(private readonly onOpenSockets: (delta: 1 | -1) => void = () => undefined) {}

  add(visitorId: string, channel: string, socket: VisitorSocket): () => void {
    this.#channelOf.set(visitorId, channel);
    let set = this.#byVisitor.get(visitorId);
    if (!set) {
      set = new Set();
      this.#byVisitor.set(visitorId, set);
    }
    set.add(socket);
    this.onOpenSockets(1);
    return () => {
      if (!set.delete(socket)) return;
      this.onOpenSockets(-1);
      if (set.size === 0 && this.#byVisitor.get(visitorId) === set) {
        this.#byVisitor.delete(visitorId);
        this.#channelOf.delete(visitorId);
      }
    };
  }

  /** How many sockets received the frame. */
  send(visitorId: string, frame: ServerFrame, except?: VisitorSocket): number {
    const set = this.#byVisitor.get(visitorId);
    if (!set) return 0;
    const data = JSON.stringify(frame);
    let sent = 0;
    for (const socket of set) {
      if (socket === except) continue;
      socket.send(data);
      sent++;
    }
    return sent;
  }

  broadcast(channel: string, frame: ServerFrame): void {
    const data = JSON.stringify(frame);
    for (const [visitorId, set] of this.#byVisitor) {
      if (this.#channelOf.get(visitorId) !== channel) continue;
      for (const socket of set) socket.send(data);
    }
  }

  connected(visitorId: string): boolean {
    return this.#byVisitor.has(visitorId);
  }

  get socketCount(): number {
    let n = 0;
    for (const set of this.#byVisitor.values()) n += set.size;
    return n;
  }
}
