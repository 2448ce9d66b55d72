import type { Selectable } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { prepared } from '../../db/prepared.js';
import type { AgentsTable } from './tables.js';

export type AgentRow = Selectable<AgentsTable>;

// Every signed-in request looks its agent up: compiled once rather than on each request.
const agentById = prepared((db: DbOrTx, p: { id: number }) => db.selectFrom('agents').selectAll().where('id', '=', p.id));

export const findAgentById = (db: DbOrTx, id: number): Promise<AgentRow | undefined> => agentById.first(db, { id });

export const findAgentByEmail = (db: DbOrTx, email: string): Promise<AgentRow | undefined> =>
  db
    .selectFrom('agents')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
    .executeTakeFirst();

export const listAgents = (db: DbOrTx): Promise<AgentRow[]> =>
  db.selectFrom('agents').selectAll().orderBy('name').execute();

export async function countAdmins(db: DbOrTx): Promise<number> {
  const row = await db
    .selectFrom('agents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('active', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
