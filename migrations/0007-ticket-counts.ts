import type { Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// The sidebar counts (per channel, per scope) read only these columns; covering them keeps the
// counts an index scan instead of one table lookup per open ticket.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('tickets_counts')
    .on('tickets')
    .columns(['status', 'channel_name', 'assignee_id', 'team_id'])
    .execute();
}
