import type { Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// A first sync imports only what was unread when it began. Without that boundary stored, a
// first sync cut short resumed as an ordinary catch-up and imported every old read message
// above the last UID committed. Non-null while a first sync (or one after a UIDVALIDITY change)
// is unfinished: the mailbox's UIDNEXT when it began.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('email_mailbox_state').addColumn('first_sync_uid_next', 'integer').execute();
}
