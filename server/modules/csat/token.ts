import { createHmac } from 'node:crypto';
import { safeEqual } from '../../crypto.js';

/**
 * A survey link's token: `<ticketId>.<surveyId>.<signature>`, the signature an HMAC with the instance
 * secret over both ids. The survey id is random and stored, so the token is no guess and needs no
 * expiry of its own: the survey row says when it was sent.
 */
export type SurveyTokenCheck = { ok: true; ticketId: number; surveyId: string } | { ok: false; reason: 'malformed' | 'forged' };

const sign = (secret: string, ticketId: number, surveyId: string): string =>
  createHmac('sha256', secret).update(`csat-survey:${ticketId}:${surveyId}`).digest('base64url');

export function signSurveyToken(secret: string, ticketId: number, surveyId: string): string {
  return `${ticketId}.${surveyId}.${sign(secret, ticketId, surveyId)}`;
}

export function verifySurveyToken(secret: string, token: string): SurveyTokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [ticket = '', surveyId = '', signature = ''] = parts;
  if (!/^\d{1,15}$/.test(ticket) || !/^[\w-]{8,64}$/.test(surveyId)) return { ok: false, reason: 'malformed' };
  const ticketId = Number(ticket);
  if (!safeEqual(signature, sign(secret, ticketId, surveyId))) return { ok: false, reason: 'forged' };
  return { ok: true, ticketId, surveyId };
}
