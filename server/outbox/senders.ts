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

/**
 * How a kind is retried, where it differs from the outbox's defaults: a customer's reply gives up
 * within the hour so an agent hears of it, a subscriber's webhook keeps trying for a day.
 */
export interface RetryPolicy {
  /** First retry delay; doubles each attempt. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxAttempts?: number;
}

/**
 * Thrown by a sender when the far end may not be written to yet (a messaging window closed until
 * the customer writes again): not a failure, so no attempt is counted; the row waits until
 * `until`, or until the channel wakes it earlier. The message shows as queued with this reason.
 */
export class HeldDeliveryError extends Error {
  constructor(
    message: string,
    readonly until: number,
  ) {
    super(message);
    this.name = 'HeldDeliveryError';
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
  readonly #senders = new Map<string, { send: Sender; retry: RetryPolicy }>();

  /** Returns an unregister function, for channels that stop. */
  register(kind: string, sender: Sender, retry: RetryPolicy = {}): () => void {
    this.#senders.set(kind, { send: sender, retry });
    return () => {
      if (this.#senders.get(kind)?.send === sender) this.#senders.delete(kind);
    };
  }

  get(kind: string): Sender | undefined {
    return this.#senders.get(kind)?.send;
  }

  retryPolicy(kind: string): RetryPolicy {
    return this.#senders.get(kind)?.retry ?? {};
  }

  kinds(): string[] {
    return [...this.#senders.keys()];
  }
}
