import type { AppContext } from '../../context.js';
import { hmacHex, randomToken, safeEqual, sha256 } from '../../crypto.js';
import { now, type DbOrTx } from '../../db/database.js';

export const PORTAL_SESSION_TTL_MS = 7 * 86_400_000;
export const PORTAL_COOKIE = 'kefu_portal';

export interface PortalSession {
  contactId: number;
  /** Bound to this session: a form from another site cannot know it. */
  csrf: string;
  tokenHash: string;
}

export async function createPortalSession(db: DbOrTx, contactId: number, at = now()): Promise<string> {
  const token = randomToken();
  // Expired sessions go when new ones come: no job needed, and the table stays the size of the live ones.
  await db.deleteFrom('portal_sessions').where('expires_at', '<=', at).execute();
  await db.insertInto('portal_sessions').values({ token_hash: sha256(token), contact_id: contactId, created_at: at, expires_at: at + PORTAL_SESSION_TTL_MS }).execute();
  return token;
}

const csrfOf = (secret: string, tokenHash: string): string => hmacHex(secret, `portal-csrf:${tokenHash}`).slice(0, 32);

export async function findPortalSession(ctx: AppContext, token: string | undefined): Promise<PortalSession | null> {
  if (!token || token.length > 200) return null;
  const tokenHash = sha256(token);
  const row = await ctx.db.selectFrom('portal_sessions').select(['contact_id', 'expires_at']).where('token_hash', '=', tokenHash).executeTakeFirst();
  if (!row || row.expires_at <= now()) return null;
  return { contactId: row.contact_id, csrf: csrfOf(ctx.secret, tokenHash), tokenHash };
}

export const csrfMatches = (session: PortalSession, given: unknown): boolean => typeof given === 'string' && safeEqual(given, session.csrf);

export async function endPortalSession(ctx: AppContext, session: PortalSession): Promise<void> {
  await ctx.db.deleteFrom('portal_sessions').where('token_hash', '=', session.tokenHash).execute();
}
