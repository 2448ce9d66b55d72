import { Unauthorized } from '../../http/errors.js';
import { hmacSha256Hex, signaturesEqual } from '../kit/hmac.js';

export const TIMESTAMP_HEADER = 'x-kefu-timestamp';
export const SIGNATURE_HEADER = 'x-kefu-signature';

/** Older (or further in the future) than this, a signed request is a replay and refused. */
export const MAX_SKEW_SECONDS = 5 * 60;

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` */
export function kefuSignature(secret: string, timestamp: string, body: Buffer | string): string {
  return `sha256=${hmacSha256Hex(secret, timestamp, '.', body)}`;
}

/** The two headers a signed request (inbound, or our callback) carries. */
export function signedHeaders(secret: string, body: Buffer | string, nowMs = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return { 'X-Kefu-Timestamp': timestamp, 'X-Kefu-Signature': kefuSignature(secret, timestamp, body) };
}

const header = (value: string | string[] | undefined): string => (Array.isArray(value) ? (value[0] ?? '') : (value ?? ''));

/** Throws 401 unless the request is signed with `secret` over these exact bytes within the last five minutes. */
export function verifyKefuSignature(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
  nowMs = Date.now(),
): void {
  const timestamp = header(headers[TIMESTAMP_HEADER]).trim();
  const given = header(headers[SIGNATURE_HEADER]).trim();
  if (!/^\d{1,12}$/.test(timestamp) || given === '') {
    throw new Unauthorized('Sign the request: X-Kefu-Timestamp and X-Kefu-Signature are required.', 'invalid_signature');
  }
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) {
    throw new Unauthorized('The request timestamp is more than 5 minutes off: replays are refused.', 'stale_timestamp');
  }
  if (!signaturesEqual(kefuSignature(secret, timestamp, body), given)) {
    throw new Unauthorized('The signature does not match the body.', 'invalid_signature');
  }
}
