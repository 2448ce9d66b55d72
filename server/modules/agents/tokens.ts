import type { Selectable } from 'kysely';
import type { AppContext } from '../../context.js';
import { randomToken, sha256 } from '../../crypto.js';
import { now } from '../../db/database.js';
import { NotFound } from '../../http/errors.js';
import { findAgentById, type AgentRow } from './queries.js';
import type { ApiTokensTable } from './tables.js';

export type ApiTokenRow = Selectable<ApiTokensTable>;

/** Recognisable in logs and secret scanners; the rest is 256 random bits. */
export const TOKEN_PREFIX = 'kf_';

export async function createApiToken(
  ctx: AppContext,
  agentId: number,
  name: string,
): Promise<{ token: ApiTokenRow; secret: string }> {
  const secret = `${TOKEN_PREFIX}${randomToken(32)}`;
  const token = await ctx.db
    .insertInto('api_tokens')
    .values({
      agent_id: agentId,
      name: name.trim() || 'API token',
      token_hash: sha256(secret),
      prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
      created_at: now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  ctx.logger.info({ agentId, tokenId: token.id }, 'api token created');
  return { token, secret };
}

export const listApiTokens = (ctx: AppContext, agentId: number): Promise<ApiTokenRow[]> =>
  ctx.db.selectFrom('api_tokens').selectAll().where('agent_id', '=', agentId).orderBy('id', 'desc').execute();

export async function revokeApiToken(ctx: AppContext, agentId: number, tokenId: number): Promise<void> {
  const result = await ctx.db
    .updateTable('api_tokens')
    .set({ revoked_at: now() })
    .where('id', '=', tokenId)
    .where('agent_id', '=', agentId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new NotFound('token');
}

export interface ApiTokenWithOwner extends ApiTokenRow {
  owner_name: string;
  owner_email: string;
}

/** Every agent's tokens (or one agent's), newest first, with their owner: the admin's view. */
export function listAllApiTokens(ctx: AppContext, agentId?: number): Promise<ApiTokenWithOwner[]> {
  let query = ctx.db
    .selectFrom('api_tokens')
    .innerJoin('agents', 'agents.id', 'api_tokens.agent_id')
    .selectAll('api_tokens')
    .select(['agents.name as owner_name', 'agents.email as owner_email']);
  if (agentId !== undefined) query = query.where('api_tokens.agent_id', '=', agentId);
  return query.orderBy('api_tokens.id', 'desc').execute();
}

/** An admin revoking anyone's token. */
export async function revokeAnyApiToken(ctx: AppContext, tokenId: number): Promise<void> {
  const result = await ctx.db
    .updateTable('api_tokens')
    .set({ revoked_at: now() })
    .where('id', '=', tokenId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new NotFound('token');
}

export async function resolveApiToken(ctx: AppContext, secret: string): Promise<AgentRow | null> {
  if (!secret.startsWith(TOKEN_PREFIX)) return null;
  const token = await ctx.db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', sha256(secret))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!token) return null;
  const agent = await findAgentById(ctx.db, token.agent_id);
  if (!agent || agent.active !== 1) return null;
  const t = now();
  if (!token.last_used_at || t - token.last_used_at > 60_000) {
    await ctx.db.updateTable('api_tokens').set({ last_used_at: t }).where('id', '=', token.id).execute();
  }
  return agent;
}
