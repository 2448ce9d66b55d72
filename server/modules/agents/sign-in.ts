import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { presentAgent, type AgentView } from './presenter.js';
import type { AgentRow } from './queries.js';
import { createSession, SESSION_COOKIE } from './sessions.js';

/**
 * Opens a session for an agent who just proved who they are: a password, the first-run setup, an accepted
 * invitation or a reset link.
 */
export async function startSignedIn(
  ctx: AppContext,
  agent: AgentRow,
  request: Pick<FastifyRequest, 'headers' | 'ip'>,
  reply: FastifyReply,
): Promise<{ agent: AgentView; csrfToken: string }> {
  const ua = request.headers['user-agent'];
  const session = await createSession(ctx, agent.id, { userAgent: typeof ua === 'string' ? ua : undefined, ip: request.ip });
  reply.setCookie(SESSION_COOKIE, session.cookieValue, {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.security.secure_cookies ?? ctx.config.server.public_url.startsWith('https://'),
    path: '/',
    expires: new Date(session.expiresAt),
  });
  return { agent: presentAgent(agent, ctx.presence), csrfToken: session.csrfToken };
}
