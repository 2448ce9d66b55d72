import { PermanentDeliveryError } from '../../outbox/senders.js';

/** The provider answered 4xx: asking again will not help (an expired media id, a bad number). */
export class ProviderRefused extends PermanentDeliveryError {}

/** How long one provider call may take before the outbox counts it as failed and retries. */
export const PROVIDER_TIMEOUT_MS = 15_000;

/**
 * A provider's answer to a send: 2xx is success, 4xx is final (a bad number, an expired window;
 * sending again cannot help) with the provider's own error text, 5xx and timeouts are retried.
 */
export async function providerCall(url: string, init: RequestInit, describeError: (body: unknown) => string | null): Promise<unknown> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    body = text;
  }
  if (res.ok) return body;
  const detail = describeError(body) ?? (typeof body === 'string' ? body.slice(0, 300) : `HTTP ${res.status}`);
  if (res.status >= 400 && res.status < 500 && res.status !== 429) throw new ProviderRefused(detail);
  throw new Error(`${res.status}: ${detail}`);
}
