import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// Invitations and password-reset links: only a hash of each token is stored, so a copy of the
// database cannot be turned into a sign-in.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('agent_invites')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin','supervisor','agent')`))
    .addColumn('team_id', 'integer', (c) => c.references('teams.id').onDelete('set null'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('invited_by', 'integer', (c) => c.references('agents.id').onDelete('set null'))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('sent_at', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'integer', (c) => c.notNull())
    .addColumn('accepted_at', 'integer')
    .addColumn('revoked_at', 'integer')
    .addColumn('agent_id', 'integer', (c) => c.references('agents.id').onDelete('set null'))
    .execute();
  await sql`create index agent_invites_email on agent_invites (email collate nocase)`.execute(db);

  await db.schema
    .createTable('password_resets')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('agent_id', 'integer', (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'integer', (c) => c.notNull())
    .addColumn('used_at', 'integer')
    .execute();
  await db.schema.createIndex('password_resets_agent').on('password_resets').column('agent_id').execute();
}
