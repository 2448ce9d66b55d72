import { PermanentDeliveryError, type Sender } from '../../outbox/senders.js';
import { guardedPost, type GuardOptions } from '../../outbox/ssrf-guard.js';
import type { TicketRow } from '../tickets/queries.js';

/** Outbox rows of this kind are rule webhooks: retried with the outbox's backoff until they answer 2xx. */
export const WEBHOOK_KIND = 'webhook';
const TIMEOUT_MS = 10_000;

export function webhookPayload(url: string, rule: { id: number; name: string }, ticket: TicketRow, at: number): Record<string, unknown> {
  return {
    url,
    body: {
      event: 'rule.webhook',
      rule: { id: rule.id, name: rule.name },
      ticket: { id: ticket.id, number: ticket.number, subject: ticket.subject, status: ticket.status, priority: ticket.priority },
      at: new Date(at).toISOString(),
    },
  };
}

/**
 * POSTs the JSON body through the SSRF guard (no private addresses unless the config allows them).
 * A 4xx other than 408 and 429 will not change on retry and fails at once; anything else (5xx,
 * timeouts, refused connections) is retried by the outbox.
 */
export function webhookSender(guard: GuardOptions): Sender {
  return async (job) => {
    const { url, body } = job.payload as { url?: unknown; body?: unknown };
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new PermanentDeliveryError('webhook: no http(s) url');
    const res = await guardedPost(
      {
        url,
        headers: { 'content-type': 'application/json', 'user-agent': 'Kefu-Rules', 'x-kefu-delivery': String(job.id) },
        body: JSON.stringify(body ?? {}),
        timeoutMs: TIMEOUT_MS,
      },
      guard,
    );
    if (res.status >= 200 && res.status < 300) return { status: 'delivered' };
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
      throw new PermanentDeliveryError(`webhook answered ${res.status}`);
    }
    throw new Error(`webhook answered ${res.status}`);
  };
}
