import type { AppContext } from '../../context.js';
import { randomToken, sha256 } from '../../crypto.js';
import { now } from '../../db/database.js';
import { BadRequest, Conflict } from '../../http/errors.js';
import { countAdmins, findAgentByEmail, type AgentRow } from './queries.js';
import { createAgent, type Language } from './service.js';

const SETUP_TOKEN_TTL_MS = 7 * 86_400_000;

export async function needsSetup(ctx: AppContext): Promise<boolean> {
  return (await countAdmins(ctx.db)) === 0;
}

/**
 * On start-up: the admin from KEFU_ADMIN_EMAIL/PASSWORD when there is none, otherwise a
 * one-time setup link for whoever holds the server's log.
 */
export async function ensureFirstAdmin(ctx: AppContext): Promise<{ created?: AgentRow; setupUrl?: string }> {
  if (!(await needsSetup(ctx))) return {};
  const bootstrap = ctx.config.first_admin;
  if (bootstrap) {
    const existing = await findAgentByEmail(ctx.db, bootstrap.email);
    if (existing) return {};
    const created = await createAgent(ctx, { email: bootstrap.email, name: 'Admin', role: 'admin', password: bootstrap.password });
    return { created };
  }
  const token = randomToken(24);
  const t = now();
  await ctx.db.deleteFrom('setup_tokens').execute();
  await ctx.db
    .insertInto('setup_tokens')
    .values({ token_hash: sha256(token), created_at: t, expires_at: t + SETUP_TOKEN_TTL_MS, used_at: null })
    .execute();
  return { setupUrl: `${ctx.config.server.public_url}/setup?token=${token}` };
}

export async function completeSetup(
  ctx: AppContext,
  input: { token: string; email: string; name: string; password: string; language?: Language | undefined },
): Promise<AgentRow> {
  if (!(await needsSetup(ctx))) throw new Conflict('Kefu is set up already; sign in instead.', 'already_set_up');
  const row = await ctx.db
    .selectFrom('setup_tokens')
    .selectAll()
    .where('token_hash', '=', sha256(input.token))
    .executeTakeFirst();
  if (!row || row.used_at !== null || row.expires_at <= now()) {
    throw new BadRequest('This setup link is not valid any more. Restart Kefu for a new one.', { field: 'token' }, 'invalid_setup_token');
  }
  const agent = await createAgent(ctx, { email: input.email, name: input.name, role: 'admin', password: input.password, language: input.language });
  await ctx.db.updateTable('setup_tokens').set({ used_at: now() }).where('token_hash', '=', row.token_hash).execute();
  return agent;
}
