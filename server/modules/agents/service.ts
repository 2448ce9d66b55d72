import type { AppContext } from '../../context.js';
import { now } from '../../db/database.js';
import { BadRequest, Conflict, NotFound, Unauthorized } from '../../http/errors.js';
import { checkFreeForm } from '../../http/free-form.js';
import { seedDefaultRules } from '../rules/defaults.js';
import { checkAvatarUrl } from './avatar.js';
import { endAccess } from './end-access.js';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.js';
import { countAdmins, findAgentByEmail, findAgentById, type AgentRow } from './queries.js';
import type { Role } from './tables.js';

export const LANGUAGES = ['en', 'zh-CN', 'zh-TW'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface NewAgent {
  email: string;
  name: string;
  role: Role;
  password: string;
  language?: Language | undefined;
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new BadRequest(`Passwords need at least ${MIN_PASSWORD_LENGTH} characters.`, { field: 'password' });
  }
}

export async function createAgent(ctx: AppContext, input: NewAgent): Promise<AgentRow> {
  const email = input.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new BadRequest('That is not an email address.', { field: 'email' });
  checkPassword(input.password);
  if (await findAgentByEmail(ctx.db, email)) throw new Conflict('An agent with that email exists already.', 'agent_exists');
  const passwordHash = await hashPassword(input.password);
  const t = now();
  const row = await ctx.db
    .insertInto('agents')
    .values({
      email,
      name: input.name.trim() || email,
      role: input.role,
      password_hash: passwordHash,
      language: input.language ?? 'en',
      preferences: '{}',
      active: 1,
      created_at: t,
      updated_at: t,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  ctx.logger.info({ agentId: row.id, role: row.role }, 'agent created');
  // The first account opens a new desk: it gets the default rules, in that person's language.
  const first = await ctx.db.selectFrom('agents').select('id').where('id', '!=', row.id).limit(1).executeTakeFirst();
  if (!first) await seedDefaultRules(ctx.db, row.language as Language, t);
  return row;
}

/** The agent for an email and password, or Unauthorized without saying which part was wrong. */
export async function authenticate(ctx: AppContext, email: string, password: string): Promise<AgentRow> {
  const agent = await findAgentByEmail(ctx.db, email);
  const ok = await verifyPassword(password, agent?.password_hash ?? null);
  if (!agent || !ok || agent.active !== 1) {
    throw new Unauthorized('Wrong email or password.', 'invalid_credentials');
  }
  return agent;
}

export interface AgentChanges {
  name?: string | undefined;
  role?: Role | undefined;
  active?: boolean | undefined;
  language?: Language | undefined;
  timezone?: string | null | undefined;
  avatarUrl?: string | null | undefined;
  preferences?: Record<string, unknown> | undefined;
  password?: string | undefined;
}

export interface UpdateOptions {
  /** The session making the change, kept signed in when the agent changes their own password. */
  keepSessionId?: string | undefined;
}

export async function updateAgent(ctx: AppContext, id: number, changes: AgentChanges, options: UpdateOptions = {}): Promise<AgentRow> {
  const agent = await findAgentById(ctx.db, id);
  if (!agent) throw new NotFound('agent');
  const demoting = (changes.role && changes.role !== 'admin') || changes.active === false;
  if (agent.role === 'admin' && demoting && (await countAdmins(ctx.db)) <= 1) {
    throw new Conflict('Kefu needs at least one active admin.', 'last_admin');
  }
  if (changes.timezone && !isTimeZone(changes.timezone)) {
    throw new BadRequest('Unknown time zone.', { field: 'timezone' });
  }
  if (changes.password !== undefined) checkPassword(changes.password);
  checkFreeForm('preferences', changes.preferences);
  // Hashed before the transaction: the slow key derivation must not hold the write lock.
  const passwordHash = changes.password !== undefined ? await hashPassword(changes.password) : undefined;
  return ctx.database.transaction(async (tx, onCommit) => {
    const row = await tx
      .updateTable('agents')
      .set({
        ...(changes.name !== undefined && { name: changes.name.trim() || agent.name }),
        ...(changes.role !== undefined && { role: changes.role }),
        ...(changes.active !== undefined && { active: changes.active ? 1 : 0 }),
        ...(changes.language !== undefined && { language: changes.language }),
        ...(changes.timezone !== undefined && { timezone: changes.timezone }),
        ...(changes.avatarUrl !== undefined && { avatar_url: checkAvatarUrl(changes.avatarUrl) }),
        ...(changes.preferences !== undefined && { preferences: JSON.stringify(changes.preferences) }),
        ...(passwordHash !== undefined && { password_hash: passwordHash }),
        updated_at: now(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (changes.active === false) await endAccess(ctx, tx, onCommit, id, { reason: 'deactivated' });
    else if (passwordHash !== undefined) await endAccess(ctx, tx, onCommit, id, { reason: 'password', keepSessionId: options.keepSessionId });
    return row;
  });
}

export async function changeOwnPassword(
  ctx: AppContext,
  agent: AgentRow,
  currentPassword: string | undefined,
  newPassword: string,
  keepSessionId: string,
): Promise<void> {
  if (!currentPassword || !(await verifyPassword(currentPassword, agent.password_hash))) {
    throw new BadRequest('The current password is not right.', { field: 'currentPassword' }, 'wrong_password');
  }
  await updateAgent(ctx, agent.id, { password: newPassword }, { keepSessionId });
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
