import { hmacSha256Hex, signaturesEqual } from '../kit/hmac.js';

/** `sha256=<hex HMAC-SHA256(app secret, raw body)>`, as Meta signs every webhook POST. */
export function hubSignature(appSecret: string, rawBody: Buffer | string): string {
  return `sha256=${hmacSha256Hex(appSecret, rawBody)}`;
}

export function verifyHubSignature(appSecret: string, rawBody: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  return signaturesEqual(hubSignature(appSecret, rawBody), header.trim().toLowerCase());
}
