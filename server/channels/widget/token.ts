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
 * Kefu.identify() proof: hex HMAC-SHA256, with the channel's identity secret, of the host site's user id,
 * or of the user id, a line feed and the email exactly as sent when the email is to count as verified.
 * The host's server computes it, so a visitor can claim neither someone else's id nor someone else's address.
 */
export function identityHash(identitySecret: string, userId: string, email?: string): string {
  const message = email === undefined ? userId : `${userId}\n${email}`;
  return createHmac('sha256', identitySecret).update(message).digest('hex');
}

export function verifyIdentityHash(identitySecret: string, userId: string, hash: string, email?: string): boolean {
  return safeEqual(hash.toLowerCase(), identityHash(identitySecret, userId, email));
}

/**
 * What an identify() hash proves: the user id and the email, the user id alone (the email is then only a
 * claim, as if typed), or nothing.
 */
export function identityProof(identitySecret: string, userId: string, hash: string, email?: string): 'id_and_email' | 'id' | null {
  if (email !== undefined && verifyIdentityHash(identitySecret, userId, hash, email)) return 'id_and_email';
  return verifyIdentityHash(identitySecret, userId, hash) ? 'id' : null;
}
