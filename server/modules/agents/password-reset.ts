import type { AppContext } from '../../context.js';
import { randomToken, sha256 } from '../../crypto.js';
import { now } from '../../db/database.js';
import { BadRequest } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { accountLink, queueAccountMail } from './account-mail.js';
import { resetMailText } from './account-mail-text.js';
import { endAccess } from './end-access.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords.js';
import { findAgentByEmail, findAgentById, type AgentRow } from './queries.js';

export const RESET_TTL_MS = 60 * 60_000;
export const RESET_PATH = '/reset-password';

/**
 * Mails an active agent a one-time link; a newer request replaces any older link. Says nothing
 * about whether the address belongs to anyone: the caller answers the same either way.
 */
export async function requestPasswordReset(ctx: AppContext, email: string): Promise<void> {
  const agent = await findAgentByEmail(ctx.db, email);
  if (!agent || agent.active !== 1) return;
  const token = randomToken();
  const t = now();
  await ctx.database.transaction(async (tx, onCommit) => {
    await tx.deleteFrom('password_resets').where('agent_id', '=', agent.id).execute();
    await tx
      .insertInto('password_resets')
      .values({ token_hash: sha256(token), agent_id: agent.id, created_at: t, expires_at: t + RESET_TTL_MS, used_at: null })
      .execute();
    await recordAudit(tx, { actor: { kind: 'system' }, action: 'agent.password_reset_requested', entityKind: 'agent', entityId: agent.id });
    const link = accountLink(ctx, RESET_PATH, token);
    await queueAccountMail(ctx, tx, { to: agent.email, ...resetMailText(agent.language, agent.email, link) });
    onCommit(() => ctx.outbox.nudge());
  });
}

/** Sets the new password, uses up the link, and ends every session and API token the agent had. */
export async function resetPassword(ctx: AppContext, token: string, password: string): Promise<AgentRow> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new BadRequest(`Passwords need at least ${MIN_PASSWORD_LENGTH} characters.`, { field: 'password' });
  }
  const hash = sha256(token);
  const passwordHash = await hashPassword(password);
  const agentId = await ctx.database.transaction(async (tx, onCommit) => {
    const used = await tx
      .updateTable('password_resets')
      .set({ used_at: now() })
      .where('token_hash', '=', hash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now())
      .returning('agent_id')
      .executeTakeFirst();
    const agent = used && (await findAgentById(tx, used.agent_id));
    if (!agent || agent.active !== 1) return null;
    await tx.updateTable('agents').set({ password_hash: passwordHash, updated_at: now() }).where('id', '=', agent.id).execute();
    const ended = await endAccess(ctx, tx, onCommit, agent.id, { reason: 'password_reset' });
    await recordAudit(tx, {
      actor: { kind: 'agent', id: agent.id },
      action: 'agent.password_reset',
      entityKind: 'agent',
      entityId: agent.id,
      after: { sessionsEnded: ended.sessions, tokensRevoked: ended.tokens },
    });
    return agent.id;
  });
  const agent = agentId === null ? undefined : await findAgentById(ctx.db, agentId);
  if (!agent) {
    throw new BadRequest('This reset link is not valid any more. Ask for a new one.', { field: 'token' }, 'invalid_reset_token');
  }
  return agent;
}
