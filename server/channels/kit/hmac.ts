import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 over the parts as one byte string, hex; parts are joined without separators. */
export function hmacSha256Hex(secret: string, ...parts: Array<string | Buffer>): string {
  const mac = createHmac('sha256', secret);
  for (const part of parts) mac.update(part);
  return mac.digest('hex');
}

/**
 * Constant-time comparison of two signatures: timing must not tell an attacker how many leading
 * characters of a forged one were right. Only the length can differ early, and a digest's length is public.
 */
export function signaturesEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
