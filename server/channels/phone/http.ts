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

export class MediaTooLarge extends Error {
  constructor(readonly size: number) {
    super(`media of ${size} bytes is over the limit`);
  }
}

/** Downloads at most `maxBytes`; a larger file stops the download instead of filling memory. */
export async function boundedDownload(url: string, headers: Record<string, string>, maxBytes: number): Promise<{ content: Buffer; contentType: string }> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS), redirect: 'follow' });
  if (res.status >= 400 && res.status < 500 && res.status !== 429) throw new ProviderRefused(`media download refused: HTTP ${res.status}`);
  if (!res.ok || !res.body) throw new Error(`media download failed: HTTP ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await res.body.cancel();
    throw new MediaTooLarge(declared);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.length;
    if (size > maxBytes) throw new MediaTooLarge(size);
    chunks.push(Buffer.from(chunk));
  }
  return { content: Buffer.concat(chunks), contentType: res.headers.get('content-type') ?? 'application/octet-stream' };
}
