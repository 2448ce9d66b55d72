import { EventEmitter } from 'node:events';

/** Who caused an event; automation ignores events it caused itself. */
export type Actor =
  | { kind: 'agent'; id: number }
  | { kind: 'contact'; id: number }
  | { kind: 'system' }
  | { kind: 'automation'; rule?: string; ruleId?: number; chain?: RuleChain };

/**
 * The rules that already acted in one event chain (one list shared by every event of the chain).
 * A rule never fires twice in a chain, and a chain deeper than the limit stops: that is how rules
 * that trigger each other end.
 */
export interface RuleChain {
  depth: number;
  ruleIds: number[];
}

export interface BusEvent {
  type: string;
  actor: Actor;
}

type Handler<E> = (event: E) => void | Promise<void>;
type PeerHandler<E> = (event: E, peer: boolean) => void | Promise<void>;

/**
 * In-process typed event bus. Emitted only after a commit (see Database.transaction's
 * onCommit); a handler's failure is logged and never reaches the emitter.
 *
 * Two kinds of subscriber: `on` (automation, webhooks, SLA... the domain) sees this process's
 * events only, since with several processes each event's domain work is done once, where it
 * happened; `onAnyProcess` (websocket pushes, caches of shared data) sees those and, through
 * `emitPeer`, the events of every other process: their sockets may be held here, and their
 * changes make this process's caches stale.
 */
export class EventBus<E extends BusEvent = BusEvent> {
  readonly #emitter = new EventEmitter({ captureRejections: false });
  readonly #sockets = new EventEmitter({ captureRejections: false });
  readonly #onError: (err: unknown, event: E) => void;

  constructor(onError: (err: unknown, event: E) => void) {
    this.#emitter.setMaxListeners(0);
    this.#sockets.setMaxListeners(0);
    this.#onError = onError;
  }

  emit(event: E): void {
    this.#dispatch(this.#emitter, event);
    this.#dispatch(this.#sockets, event);
  }

  /**
   * An event another process emitted: for websocket subscribers only, its domain work is done.
   * One the agent hub journals comes from the journal as agents are sent it (event-payload.ts).
   */
  emitPeer(event: E): void {
    this.#dispatch(this.#sockets, event, true);
  }

  on<T extends E['type'] | '*'>(type: T, handler: Handler<T extends '*' ? E : Extract<E, { type: T }>>): () => void {
    this.#emitter.on(type, handler as Handler<E>);
    return () => this.#emitter.off(type, handler as Handler<E>);
  }

  /** For websocket pushes and caches; `peer` is true for an event emitted by another process. */
  onAnyProcess<T extends E['type'] | '*'>(type: T, handler: PeerHandler<T extends '*' ? E : Extract<E, { type: T }>>): () => void {
    this.#sockets.on(type, handler as PeerHandler<E>);
    return () => this.#sockets.off(type, handler as PeerHandler<E>);
  }

  #dispatch(emitter: EventEmitter, event: E, peer = false): void {
    for (const name of [event.type, '*']) {
      for (const handler of emitter.listeners(name) as Array<PeerHandler<E>>) {
        try {
          const result = handler(event, peer);
          if (result instanceof Promise) result.catch((err: unknown) => this.#onError(err, event));
        } catch (err) {
          this.#onError(err, event);
        }
      }
    }
  }
}
