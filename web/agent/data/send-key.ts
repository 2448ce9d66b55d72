import { ApiError } from '../../shared/api.js';

/** 32 random hex digits; getRandomValues, unlike randomUUID, also works when the app is served over plain http. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The Idempotency-Key of one composer's send: the same while the same message to the same ticket is being
 * sent (the app's own retries, or Send pressed again after an error), so the server writes it once; a new
 * one once it went through or the message changed, since the server refuses a key reused for other content.
 */
export class SendKey {
  #current: { key: string; fingerprint: string } | null = null;

  for(ticketId: number, body: unknown): string {
    const fingerprint = JSON.stringify([ticketId, body]);
    if (this.#current?.fingerprint !== fingerprint) this.#current = { key: newIdempotencyKey(), fingerprint };
    return this.#current.key;
  }

  sent(): void {
    this.#current = null;
  }
}

/** A lost answer, or the first attempt still being handled: the same request may simply be tried again. */
const worthRetrying = (err: unknown): boolean =>
  err instanceof ApiError && (err.status === 0 || err.code === 'idempotency_key_in_progress');

/** Runs a keyed write, trying again after a short pause when the network failed; other errors go to the caller. */
export async function withRetries<T>(attempt: () => Promise<T>, tries = 3, pauseMs = 500): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (n >= tries || !worthRetrying(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, pauseMs * n));
    }
  }
}
