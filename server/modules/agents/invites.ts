import type { Selectable } from 'kysely';
import type { AppContext } from '../../context.js';
import { randomToken, sha256 } from '../../crypto.js';
import { now } from '../../db/database.js';
import { BadRequest, Conflict, NotFound } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { accountLink, queueAccountMail } from './account-mail.js';
import { inviteMailText, mailLanguage } from './account-mail-text.js';
import type { AgentInvitesTable } from './invite-tables.js';
import { MIN_PASSWORD_LENGTH } from './passwords.js';
import { findAgentByEmail, findAgentById, type AgentRow } from './queries.js';
import { createAgent, type Language } from './service.js';
import type { Role } from './tables.js';

export type InviteRow = Selectable<AgentInvitesTable>;

export const INVITE_TTL_MS = 7 * 86_400_000;
export const INVITE_PATH = '/invite';

/** What the admin gets back: the link itself is only ever seen here, since only its hash is kept. */
export interface IssuedInvite {
  invite: InviteRow;
  link: string;
  mailed: boolean;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export const listOpenInvites = (ctx: AppContext): Promise<InviteRow[]> =>
  ctx.db
    .selectFrom('agent_invites')
    .selectAll()
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .orderBy('id', 'desc')
    .execute();

export async function createInvite(
  ctx: AppContext,
  actorId: number,
  input: { email: string; role: Role; teamId?: number | null | undefined; language?: Language | undefined },
): Promise<IssuedInvite> {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email)) throw new BadRequest('That is not an email address.', { field: 'email' });
  if (await findAgentByEmail(ctx.db, email)) throw new Conflict('An agent with that email exists already.', 'agent_exists');
  const open = await ctx.db
    .selectFrom('agent_invites')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (open) throw new Conflict('That address has an open invitation already; send it again instead.', 'invite_exists');
  const teamId = input.teamId ?? null;
  if (teamId !== null && !(await ctx.db.selectFrom('teams').select('id').where('id', '=', teamId).executeTakeFirst())) {
    throw new BadRequest('No such team.', { field: 'teamId' });
  }
  const token = randomToken();
  const t = now();
  const from = await inviter(ctx, actorId);
  return ctx.database.transaction(async (tx, onCommit) => {
    const invite = await tx
      .insertInto('agent_invites')
      .values({
        email,
        role: input.role,
        team_id: teamId,
        token_hash: sha256(token),
        invited_by: actorId,
        created_at: t,
        sent_at: t,
        expires_at: t + INVITE_TTL_MS,
        accepted_at: null,
        revoked_at: null,
        agent_id: null,
        language: input.language ?? from.language,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      actor: { kind: 'agent', id: actorId },
      action: 'agent_invite.created',
      entityKind: 'agent_invite',
      entityId: invite.id,
      after: { email, role: input.role, teamId, language: invite.language },
    });
    const link = accountLink(ctx, INVITE_PATH, token);
    const mailed = await queueAccountMail(ctx, tx, inviteMail(invite, from.name, link));
    onCommit(() => ctx.outbox.nudge());
    return { invite, link, mailed };
  });
}

/**
 * A fresh link for an open invitation, valid seven days from now; the old link stops working.
 * `send` mails it; otherwise the admin hands it over themselves.
 */
export async function renewInvite(ctx: AppContext, actorId: number, id: number, send: boolean): Promise<IssuedInvite> {
  const current = await findOpen(ctx, id);
  const token = randomToken();
  const t = now();
  const from = await inviter(ctx, actorId);
  return ctx.database.transaction(async (tx, onCommit) => {
    const invite = await tx
      .updateTable('agent_invites')
      .set({ token_hash: sha256(token), sent_at: t, expires_at: t + INVITE_TTL_MS })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      actor: { kind: 'agent', id: actorId },
      action: send ? 'agent_invite.resent' : 'agent_invite.link_copied',
      entityKind: 'agent_invite',
      entityId: id,
    });
    const link = accountLink(ctx, INVITE_PATH, token);
    const mailed = send && (await queueAccountMail(ctx, tx, inviteMail(invite, from.name, link)));
    onCommit(() => ctx.outbox.nudge());
    return { invite, link, mailed };
  });
}

export async function revokeInvite(ctx: AppContext, actorId: number, id: number): Promise<void> {
  const invite = await findOpen(ctx, id);
  await ctx.database.transaction(async (tx) => {
    await tx.updateTable('agent_invites').set({ revoked_at: now() }).where('id', '=', invite.id).execute();
    await recordAudit(tx, {
      actor: { kind: 'agent', id: actorId },
      action: 'agent_invite.revoked',
      entityKind: 'agent_invite',
      entityId: id,
      before: { email: invite.email },
    });
  });
}

/** The invitation behind a link, while it can still be accepted. */
export async function inviteByToken(ctx: AppContext, token: string): Promise<InviteRow> {
  const invite = await ctx.db.selectFrom('agent_invites').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
  if (!invite || invite.accepted_at !== null || invite.revoked_at !== null || invite.expires_at <= now()) {
    throw new BadRequest('This invitation link is not valid any more. Ask your admin for a new one.', { field: 'token' }, 'invalid_invite');
  }
  return invite;
}

export async function acceptInvite(ctx: AppContext, input: { token: string; name: string; password: string }): Promise<AgentRow> {
  const invite = await inviteByToken(ctx, input.token);
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new BadRequest(`Passwords need at least ${MIN_PASSWORD_LENGTH} characters.`, { field: 'password' });
  }
  // Claimed before the slow password hash, so two clicks on one link cannot both create an agent.
  const claimed = await ctx.db
    .updateTable('agent_invites')
    .set({ accepted_at: now() })
    .where('id', '=', invite.id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) === 0) await inviteByToken(ctx, '');
  let agent: AgentRow;
  try {
    agent = await createAgent(ctx, {
      email: invite.email,
      name: input.name,
      role: invite.role,
      password: input.password,
      language: invite.language ?? undefined,
    });
  } catch (err) {
    await ctx.db.updateTable('agent_invites').set({ accepted_at: null }).where('id', '=', invite.id).execute();
    throw err;
  }
  await ctx.database.transaction(async (tx) => {
    await tx.updateTable('agent_invites').set({ agent_id: agent.id }).where('id', '=', invite.id).execute();
    if (invite.team_id !== null) {
      await tx.insertInto('team_members').values({ team_id: invite.team_id, agent_id: agent.id }).execute();
    }
    await recordAudit(tx, {
      actor: { kind: 'agent', id: agent.id },
      action: 'agent_invite.accepted',
      entityKind: 'agent',
      entityId: agent.id,
      after: { email: agent.email, role: agent.role, teamId: invite.team_id, inviteId: invite.id },
    });
  });
  return agent;
}

async function findOpen(ctx: AppContext, id: number): Promise<InviteRow> {
  const invite = await ctx.db.selectFrom('agent_invites').selectAll().where('id', '=', id).executeTakeFirst();
  if (!invite || invite.accepted_at !== null || invite.revoked_at !== null) throw new NotFound('invitation');
  return invite;
}

/** Who sends the invitation, and the language it goes in when the admin chose none: their own. */
async function inviter(ctx: AppContext, actorId: number): Promise<{ name: string | null; language: Language }> {
  const agent = await findAgentById(ctx.db, actorId);
  return { name: agent?.name ?? null, language: mailLanguage(agent?.language ?? null) };
}

const inviteMail = (invite: InviteRow, inviterName: string | null, link: string) => ({
  to: invite.email,
  ...inviteMailText(invite.language, inviterName, link),
});
