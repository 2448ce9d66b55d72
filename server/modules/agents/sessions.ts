import type { AppContext } from '../../context.js';
import { randomToken, sha256 } from '../../crypto.js';
import { now, type DbOrTx } from '../../db/database.js';
import { prepared } from '../../db/prepared.js';
import type { AgentRow } from './queries.js';

export const SESSION_COOKIE = 'kefu_session';

// Writing last_seen on every request would turn reads into writes; once a minute is plenty.
const TOUCH_EVERY_MS = 60_000;

export interface NewSession {
  cookieValue: string;
  csrfToken: string;
  expiresAt: number;
}

export async function createSession(
  ctx: AppContext,
  agentId: number,
  meta: { userAgent?: string | undefined; ip?: string | undefined },
): Promise<NewSession> {
  const cookieValue = randomToken();
  const csrfToken = randomToken(24);
  const t = now();
  const expiresAt = t + ctx.config.security.session_days * 86_400_000;
  await ctx.db
    .insertInto('sessions')
    .values({
      id: sha256(cookieValue),
      agent_id: agentId,
      csrf_token: csrfToken,
      created_at: t,
      expires_at: expiresAt,
      last_seen_at: t,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
      ip: meta.ip ?? null,
    })
    .execute();
  return { cookieValue, csrfToken, expiresAt };
}

// Read on every signed-in request, with its agent in the same statement: compiled once, and on
// PostgreSQL one round trip rather than two.
const sessionById = prepared((db: DbOrTx, p: { id: string }) =>
  db
    .selectFrom('sessions')
    .innerJoin('agents', 'agents.id', 'sessions.agent_id')
    .selectAll('agents')
    .select(['sessions.csrf_token as session_csrf_token', 'sessions.expires_at as session_expires_at', 'sessions.last_seen_at as session_last_seen_at'])
    .where('sessions.id', '=', p.id),
);

export interface ResolvedSession {
  sessionId: string;
  csrfToken: string;
  agent: AgentRow;
}

/** The live session behind a cookie value; sliding expiry keeps active agents signed in. */
export async function resolveSession(ctx: AppContext, cookieValue: string): Promise<ResolvedSession | null> {
  const id = sha256(cookieValue);
  const found = await sessionById.first(ctx.db, { id });
  const t = now();
  if (!found || found.session_expires_at <= t) {
    if (found) await ctx.db.deleteFrom('sessions').where('id', '=', id).execute();
    return null;
  }
  const { session_csrf_token: csrfToken, session_expires_at: _expiresAt, session_last_seen_at: lastSeenAt, ...agent } = found;
  if (agent.active !== 1) return null;
  if (t - lastSeenAt > TOUCH_EVERY_MS) {
    await ctx.db
      .updateTable('sessions')
      .set({ last_seen_at: t, expires_at: t + ctx.config.security.session_days * 86_400_000 })
      .where('id', '=', id)
      .execute();
  }
  return { sessionId: id, csrfToken, agent };
}

export async function deleteSession(ctx: AppContext, sessionId: string): Promise<void> {
  await ctx.db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

export async function pruneExpiredSessions(ctx: AppContext): Promise<number> {
  const result = await ctx.db.deleteFrom('sessions').where('expires_at', '<=', now()).executeTakeFirst();
  return Number(result.numDeletedRows);
}
