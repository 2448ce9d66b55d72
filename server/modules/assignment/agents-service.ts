import { Type, type Static } from '@sinclair/typebox';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/database.js';
import { NotFound } from '../../http/errors.js';
import { teamCandidates } from './queries.js';

export const AgentLoadSchema = Type.Object({
  agentId: Type.Integer(),
  name: Type.String(),
  presence: Type.Union([Type.Literal('online'), Type.Literal('away'), Type.Literal('offline')]),
  load: Type.Object({ chat: Type.Integer(), email: Type.Integer() }),
  languages: Type.Array(Type.String()),
  skills: Type.Array(Type.String()),
});
export type AgentLoadView = Static<typeof AgentLoadSchema>;

const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { maxItems: 50 });
export const AgentSkillsSchema = Type.Object({ languages: Type.Optional(Tags), skills: Type.Optional(Tags) }, { additionalProperties: false });

/** Everyone's status and open load: what an admin looks at before moving tickets around. */
export async function agentLoads(ctx: AppContext): Promise<AgentLoadView[]> {
  const [candidates, names] = await Promise.all([
    teamCandidates(ctx.db, 0, ctx.presence),
    ctx.db.selectFrom('agents').select(['id', 'name']).where('active', '=', 1).orderBy('name').execute(),
  ]);
  const byId = new Map(candidates.map((c) => [c.id, c]));
  return names.flatMap((a) => {
    const c = byId.get(a.id);
    return c ? [{ agentId: a.id, name: a.name, presence: c.presence, load: c.load, languages: [...c.languages], skills: [...c.skills] }] : [];
  });
}

const clean = (tags: string[]): string[] => [...new Set(tags.map((t) => t.trim()).filter((t) => t !== ''))];

export async function setAgentSkills(db: DbOrTx, agentId: number, input: Static<typeof AgentSkillsSchema>): Promise<void> {
  const agent = await db.selectFrom('agents').select('id').where('id', '=', agentId).executeTakeFirst();
  if (!agent) throw new NotFound('agent');
  const values: { languages?: string; skills?: string } = {};
  if (input.languages) values.languages = JSON.stringify(clean(input.languages));
  if (input.skills) values.skills = JSON.stringify(clean(input.skills));
  await db
    .insertInto('assignment_agents')
    .values({ agent_id: agentId, ...values })
    .onConflict((oc) => (Object.keys(values).length > 0 ? oc.column('agent_id').doUpdateSet(values) : oc.column('agent_id').doNothing()))
    .execute();
}
