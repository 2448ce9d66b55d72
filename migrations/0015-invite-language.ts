import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// An invitation is mailed in the language the admin chose for the new agent, and the agent starts
// with it. Invitations made before this have none: their mails go in English.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table agent_invites add column language text check (language in ('en','zh-CN','zh-TW'))`.execute(db);
}
