import { sql, type Selectable } from 'kysely';
import { now, type DbOrTx } from '../../db/database.js';
import { greatest } from '../../db/dialect-sql.js';
import type { EmailMailboxStateTable } from './tables.js';

export type MailboxStateRow = Selectable<EmailMailboxStateTable>;

export async function loadMailboxState(db: DbOrTx, channel: string, folder: string): Promise<MailboxStateRow> {
  await db
    .insertInto('email_mailbox_state')
    .values({ channel_name: channel, folder, uidvalidity: null, first_sync_uid_next: null, last_sync_at: null, last_error: null, last_error_at: null, updated_at: now() })
    .onConflict((oc) => oc.column('channel_name').doNothing())
    .execute();
  const row = await db.selectFrom('email_mailbox_state').selectAll().where('channel_name', '=', channel).executeTakeFirstOrThrow();
  // A different folder is a different UID space: start that folder afresh.
  if (row.folder !== folder) return resetMailbox(db, channel, folder, null, null);
  return row;
}

/**
 * Starts the mailbox over. With a UIDVALIDITY it also records where the first sync stands
 * (firstSyncUidNext), committed before any mail is imported so a restart keeps to its rule.
 */
export async function resetMailbox(
  db: DbOrTx,
  channel: string,
  folder: string,
  uidvalidity: number | null,
  firstSyncUidNext: number | null,
): Promise<MailboxStateRow> {
  return db
    .updateTable('email_mailbox_state')
    .set({ folder, uidvalidity, last_uid: 0, first_sync_uid_next: firstSyncUidNext, updated_at: now() })
    .where('channel_name', '=', channel)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Moves the mark forward only, so a late or repeated batch can never make us re-import. */
export async function advanceMailbox(db: DbOrTx, channel: string, lastUid: number, imported: number): Promise<void> {
  const at = now();
  await db
    .updateTable('email_mailbox_state')
    .set((eb) => ({
      last_uid: greatest(db, sql`last_uid`, lastUid),
      imported_count: eb('imported_count', '+', imported),
      last_sync_at: at,
      updated_at: at,
    }))
    .where('channel_name', '=', channel)
    .execute();
}

/** Ends the first sync: everything below the boundary is settled, every UID from it on is new mail. */
export async function finishFirstSync(db: DbOrTx, channel: string, uidNext: number): Promise<void> {
  const at = now();
  await db
    .updateTable('email_mailbox_state')
    .set((eb) => ({
      last_uid: greatest(db, sql`last_uid`, Math.max(0, uidNext - 1)),
      first_sync_uid_next: null,
      last_sync_at: at,
      updated_at: at,
    }))
    .where('channel_name', '=', channel)
    .execute();
}

export async function setMailboxConnection(db: DbOrTx, channel: string, connected: boolean, error: string | null): Promise<void> {
  const at = now();
  await db
    .updateTable('email_mailbox_state')
    .set({
      connected: connected ? 1 : 0,
      ...(error === null ? {} : { last_error: error.slice(0, 500), last_error_at: at }),
      ...(connected ? { last_sync_at: at } : {}),
      updated_at: at,
    })
    .where('channel_name', '=', channel)
    .execute();
}

export const mailboxStates = (db: DbOrTx): Promise<MailboxStateRow[]> => db.selectFrom('email_mailbox_state').selectAll().execute();
