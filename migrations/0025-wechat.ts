import type { Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// WeChat channels: the shared access_token, each customer's send window and quota, the events
// (follow, menu click) kept as facts, and the WeCom sync cursor per customer-service account.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('wechat_tokens')
    .addColumn('channel_name', 'text', (c) => c.primaryKey())
    .addColumn('access_token', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'integer', (c) => c.notNull())
    .addColumn('fetched_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('wechat_windows')
    .addColumn('channel_name', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('window_expires_at', 'integer', (c) => c.notNull())
    .addColumn('quota_remaining', 'integer', (c) => c.notNull())
    .addColumn('opened_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('wechat_windows_pk', ['channel_name', 'user_id'])
    .execute();
  await db.schema
    .createTable('wechat_events')
    .addColumn('channel_name', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('create_time', 'integer', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('event_key', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    // WeChat retries a push it got no answer to; an event has no id, sender and time identify it.
    .addPrimaryKeyConstraint('wechat_events_pk', ['channel_name', 'user_id', 'create_time', 'event'])
    .execute();
  await db.schema
    .createTable('wechat_kf_cursors')
    .addColumn('channel_name', 'text', (c) => c.notNull())
    .addColumn('open_kfid', 'text', (c) => c.notNull())
    .addColumn('cursor', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('wechat_kf_cursors_pk', ['channel_name', 'open_kfid'])
    .execute();
}

