/** One row of the outbox handed to the sender registered for its kind. */
export interface OutboxJob {
  id: number;
  kind: string;
  channelName: string | null;
  /** The outbound message this delivers, if any (webhooks and notifications have none). */
  messageId: number | null;
  payload: Record<string, unknown>;
  /** 1 on the first try. */
  attempt: number;
}

/** What a sender reports; nothing means 'sent'. 'delivered' when the far end confirmed receipt. */
export interface SendResult {
  status?: 'sent' | 'delivered';
}

export type Sender = (job: OutboxJob) => Promise<SendResult | void>;

/** Thrown by a sender when retrying cannot help (a rejected address, a blocked bot): fails at once. */
export class PermanentDeliveryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentDeliveryError';
  }
}

/**
 * Thrown when the far end may or may not have the message (it took the data, then the connection
 * ended before it answered). Final like a permanent failure: sending again could deliver it
 * twice, so it waits for an agent to decide.
 */
export class UncertainDeliveryError extends PermanentDeliveryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UncertainDeliveryError';
  }
}

/** Thrown when the far end said when to come back (HTTP 429 with a retry-after): the next try waits at least that long. */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly afterMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RetryLaterError';
  }
}

export class SenderRegistry {
  readonly #senders = new Map<string, Sender>();

  /** Returns an unregister function, for channels that stop. */
  register(kind: string, sender: Sender): () => void {
    this.#senders.set(kind, sender);
    return () => {
      if (this.#senders.get(kind) === sender) this.#senders.delete(kind);
    };
  }

  get(kind: string): Sender | undefined {
    return this.#senders.get(kind);
  }

  kinds(): string[] {
    return [...this.#senders.keys()];
  }
}
