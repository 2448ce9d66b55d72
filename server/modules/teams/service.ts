import { Type, type Static } from '@sinclair/typebox';
import type { AppContext } from '../../context.js';
import { now, type DbOrTx } from '../../db/database.js';
import { lockRows } from '../../db/dialect-sql.js';
import { BadRequest, Conflict, NotFound } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { agentActor, type Viewer } from '../tickets/policy.js';
import { queueLengths } from '../assignment/queries.js';
import { AssignmentSettingsSchema, loadAllSettings, DEFAULT_SETTINGS, type AssignmentPatch } from '../assignment/settings.js';
import { drainAfterChange, updateAssignmentSettings } from '../assignment/settings-service.js';

export const TeamSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  memberIds: Type.Array(Type.Integer()),
  assignment: AssignmentSettingsSchema,
  /** tickets waiting in the team's assignment queue */
  queueLength: Type.Integer(),
});
export type TeamView = Static<typeof TeamSchema>;

export async function listTeams(db: DbOrTx): Promise<TeamView[]> {
  const [teams, members, settings, queues] = await Promise.all([
    db.selectFrom('teams').select(['id', 'name']).orderBy('name').execute(),
    db.selectFrom('team_members').select(['team_id', 'agent_id']).orderBy('agent_id').execute(),
    loadAllSettings(db),
    queueLengths(db),
  ]);
  return teams.map((t) => ({
    ...t,
    memberIds: members.filter((m) => m.team_id === t.id).map((m) => m.agent_id),
    assignment: settings.get(t.id) ?? DEFAULT_SETTINGS,
    queueLength: queues.get(t.id) ?? 0,
  }));
}

async function getTeam(db: DbOrTx, id: number): Promise<TeamView> {
  const team = (await listTeams(db)).find((t) => t.id === id);
  if (!team) throw new NotFound('team');
  return team;
}

async function checkName(db: DbOrTx, name: string, exceptId: number | null): Promise<string> {
  const clean = name.replace(/\s+/g, ' ').trim();
  if (clean === '') throw new BadRequest('name: must not be empty', { field: 'name' });
  const other = await db
    .selectFrom('teams')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['name']), '=', clean.toLowerCase()))
    .executeTakeFirst();
  if (other && other.id !== exceptId) throw new Conflict(`A team named "${clean}" exists.`, 'name_taken');
  return clean;
}

async function setMembers(db: DbOrTx, teamId: number, memberIds: number[]): Promise<void> {
  const unique = [...new Set(memberIds)];
  if (unique.length > 0) {
    const found = await db.selectFrom('agents').select('id').where('id', 'in', unique).execute();
    if (found.length !== unique.length) throw new BadRequest('memberIds: unknown agent', { field: 'memberIds' });
  }
  await db.deleteFrom('team_members').where('team_id', '=', teamId).execute();
  if (unique.length > 0) {
    await db.insertInto('team_members').values(unique.map((agent_id) => ({ team_id: teamId, agent_id }))).execute();
  }
}

export async function createTeam(ctx: AppContext, viewer: Viewer, input: { name: string; memberIds?: number[] | undefined }): Promise<TeamView> {
  return ctx.database.transaction(async (tx) => {
    const name = await checkName(tx, input.name, null);
    const at = now();
    const row = await tx.insertInto('teams').values({ name, created_at: at, updated_at: at }).returning('id').executeTakeFirstOrThrow();
    await setMembers(tx, row.id, input.memberIds ?? []);
    const team = await getTeam(tx, row.id);
    await recordAudit(tx, { actor: agentActor(viewer), action: 'team.created', entityKind: 'team', entityId: row.id, after: team });
    return team;
  });
}

export async function updateTeam(
  ctx: AppContext,
  viewer: Viewer,
  id: number,
  input: { name?: string | undefined; memberIds?: number[] | undefined; assignment?: AssignmentPatch | undefined },
): Promise<TeamView> {
  const team = await ctx.database.transaction(async (tx) => {
    // Two quick member toggles each send the whole list: the later must replace the earlier, not
    // interleave with it (PostgreSQL runs them side by side; SQLite one after the other).
    await lockRows(tx, 'teams', [id]);
    const before = await getTeam(tx, id);
    if (input.name !== undefined) {
      const name = await checkName(tx, input.name, id);
      await tx.updateTable('teams').set({ name, updated_at: now() }).where('id', '=', id).execute();
    }
    if (input.memberIds !== undefined) await setMembers(tx, id, input.memberIds);
    if (input.assignment !== undefined) await updateAssignmentSettings(tx, id, input.assignment);
    const after = await getTeam(tx, id);
    await recordAudit(tx, { actor: agentActor(viewer), action: 'team.updated', entityKind: 'team', entityId: id, before, after });
    return after;
  });
  // New members or more capacity may take waiting tickets at once.
  if (input.assignment !== undefined || input.memberIds !== undefined) await drainAfterChange(ctx, id);
  return getTeam(ctx.db, id);
}

/** Its tickets keep existing, without a team. */
export async function deleteTeam(ctx: AppContext, viewer: Viewer, id: number): Promise<void> {
  await ctx.database.transaction(async (tx) => {
    const before = await getTeam(tx, id);
    await tx.deleteFrom('teams').where('id', '=', id).execute();
    await recordAudit(tx, { actor: agentActor(viewer), action: 'team.deleted', entityKind: 'team', entityId: id, before });
  });
}
