import { createHmac } from 'node:crypto';
import { safeEqual } from '../../crypto.js';

/**
 * A visitor token: `v1.<channel>.<visitorId>.<issuedAtMs>.<signature>`, signed with the instance secret.
 * Stateless so a reload or a return visit needs no lookup to prove who the visitor is.
 */
export interface VisitorClaims {
  channel: string;
  visitorId: string;
  issuedAt: number;
}

export type TokenCheck = { ok: true; claims: VisitorClaims } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

const sign = (secret: string, payload: string): string =>
  createHmac('sha256', secret).update(`widget-visitor:${payload}`).digest('base64url');

export function signVisitorToken(secret: string, claims: VisitorClaims): string {
  const payload = `v1.${claims.channel}.${claims.visitorId}.${claims.issuedAt}`;
  return `${payload}.${sign(secret, payload)}`;
}

export function verifyVisitorToken(secret: string, token: string, maxAgeMs: number, at = Date.now()): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 5 || parts[0] !== 'v1') return { ok: false, reason: 'malformed' };
  const [, channel = '', visitorId = '', issued = '', signature = ''] = parts;
  if (!/^\d{1,15}$/.test(issued) || !channel || !visitorId) return { ok: false, reason: 'malformed' };
  if (!safeEqual(signature, sign(secret, parts.slice(0, 4).join('.')))) return { ok: false, reason: 'forged' };
  const issuedAt = Number(issued);
  if (issuedAt > at + 60_000 || at - issuedAt > maxAgeMs) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { channel, visitorId, issuedAt } };
}

/**
 * Kefu.identify() proof: hex HMAC-SHA256 of the host site's user id with the channel's identity secret,
 * computed by the host's server so a visitor cannot claim someone else's id.
 */
export function identityHash(identitySecret: string, userId: string): string {
  return createHmac('sha256', identitySecret).update(userId).digest('hex');
}

export function verifyIdentityHash(identitySecret: string, userId: string, hash: string): boolean {
  return safeEqual(hash.toLowerCase(), identityHash(identitySecret, userId));
}
