import { createHmac, randomBytes } from 'node:crypto';

export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/** `sha256=<hex>` over "<unix seconds>.<raw body>": the timestamp is signed so a captured delivery cannot be replayed later. */
export function signatureOf(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function signedHeaders(secret: string, body: string, event: string, deliveryId: string, at: number): Record<string, string> {
  const timestamp = Math.floor(at / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'Kefu-Webhooks/1',
    'x-kefu-event': event,
    'x-kefu-delivery': deliveryId,
    'x-kefu-timestamp': String(timestamp),
    'x-kefu-signature': signatureOf(secret, timestamp, body),
  };
}
