import '@fastify/cookie';
import '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AppContext } from '../context.js';
import type { AgentRow } from '../modules/agents/queries.js';
import { resolveSession, SESSION_COOKIE } from '../modules/agents/sessions.js';
import type { Role } from '../modules/agents/tables.js';
import { resolveApiToken } from '../modules/agents/tokens.js';
import { safeEqual } from '../crypto.js';
import { Forbidden, Unauthorized } from './errors.js';

export interface AuthAgent {
  id: number;
  email: string;
  name: string;
  role: Role;
  language: string;
}

export type Auth =
  | { agent: AuthAgent; via: 'session'; sessionId: string; csrfToken: string }
  | { agent: AuthAgent; via: 'token' };

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in agent, or null. Set for every request before handlers run. */
    auth: Auth | null;
  }
}

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const toAuthAgent = (row: AgentRow): AuthAgent => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  language: row.language,
});

/** Who is asking: a session cookie or a Bearer token. Resolves lazily on routes that may need it. */
export async function resolveAuth(ctx: AppContext, request: FastifyRequest): Promise<Auth | null> {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    const agent = await resolveApiToken(ctx, header.slice('Bearer '.length).trim());
    return agent ? { agent: toAuthAgent(agent), via: 'token' } : null;
  }
  const query = request.query as Record<string, unknown> | undefined;
  if (request.ws && typeof query?.token === 'string') {
    // Browsers cannot set headers on a websocket; integrations pass the token in the URL instead.
    const agent = await resolveApiToken(ctx, query.token);
    return agent ? { agent: toAuthAgent(agent), via: 'token' } : null;
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  const session = await resolveSession(ctx, cookie);
  return session
    ? { agent: toAuthAgent(session.agent), via: 'session', sessionId: session.sessionId, csrfToken: session.csrfToken }
    : null;
}

export const authPlugin = fp(
  async (app: FastifyInstance, opts: { ctx: AppContext }) => {
    app.decorateRequest('auth', null);
    // onRequest, before body parsing and validation: an anonymous caller learns only that it must sign in.
    app.addHook('onRequest', async (request) => {
      if (!request.url.startsWith('/api/')) return;
      request.auth = await resolveAuth(opts.ctx, request);
      const auth = request.auth;
      // Cookies ride along on cross-site requests; a write must prove it came from our own page.
      if (auth?.via === 'session' && !SAFE_METHODS.has(request.method) && !request.ws) {
        const sent = request.headers[CSRF_HEADER];
        if (typeof sent !== 'string' || !safeEqual(sent, auth.csrfToken)) {
          throw new Forbidden('Missing or wrong CSRF token; reload the page.', 'csrf');
        }
      }
    });
  },
  { name: 'kefu-auth', dependencies: ['@fastify/cookie'] },
);

/** Route hook (use as `onRequest` or `preHandler`): 401 unless signed in. */
export const requireAgent = async (request: FastifyRequest): Promise<void> => {
  if (!request.auth) throw new Unauthorized();
};

/** Route hook: 401 unless signed in, 403 unless the agent has one of the roles. */
export function requireRole(...roles: Role[]): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    if (!request.auth) throw new Unauthorized();
    if (!roles.includes(request.auth.agent.role)) throw new Forbidden();
  };
}

/**
 * Route hook: 401 unless signed in, 403 unless signed in with a browser session. Minting
 * credentials and changing the password need the person, not a token that may have leaked.
 */
export const requireSession = async (request: FastifyRequest): Promise<void> => {
  if (!request.auth) throw new Unauthorized();
  if (request.auth.via !== 'session') throw sessionRequired();
};

const sessionRequired = () => new Forbidden('Sign in with your password to do this; an API token cannot.', 'session_required');

/** The session id of a handler behind requireSession (or a 403 for a token). */
export function sessionIdOf(request: FastifyRequest): string {
  if (!request.auth) throw new Unauthorized();
  if (request.auth.via !== 'session') throw sessionRequired();
  return request.auth.sessionId;
}

/** The signed-in agent inside a handler behind requireAgent. */
export function agentOf(request: FastifyRequest): AuthAgent {
  if (!request.auth) throw new Unauthorized();
  return request.auth.agent;
}
