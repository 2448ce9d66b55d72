import { now, type DbOrTx } from '../../db/database.js';

/** WeChat's rule: a customer's message allows 5 messages within 48 hours; a follow, menu click or scan, 3 within a minute. */
export const MESSAGE_WINDOW_MS = 48 * 3_600_000;
export const MESSAGE_QUOTA = 5;
export const EVENT_WINDOW_MS = 60_000;
export const EVENT_QUOTA = 3;

export interface SendWindow {
  expiresAt: number;
  remaining: number;
  openedBy: string;
}

/** The customer wrote (or, for `event`, followed, clicked or scanned): a new window opens. */
export async function openWindow(db: DbOrTx, channel: string, userId: string, by: 'message' | 'event', at = now()): Promise<void> {
  const expiresAt = at + (by === 'message' ? MESSAGE_WINDOW_MS : EVENT_WINDOW_MS);
  const quota = by === 'message' ? MESSAGE_QUOTA : EVENT_QUOTA;
  // A click inside a message window must not shrink it to a minute.
  if (by === 'event') {
    const current = await readWindow(db, channel, userId);
    if (current && current.expiresAt > expiresAt && current.remaining >= quota) return;
  }
  await db
    .insertInto('wechat_windows')
    .values({ channel_name: channel, user_id: userId, window_expires_at: expiresAt, quota_remaining: quota, opened_by: by, updated_at: at })
    .onConflict((oc) =>
      oc.columns(['channel_name', 'user_id']).doUpdateSet({ window_expires_at: expiresAt, quota_remaining: quota, opened_by: by, updated_at: at }),
    )
    .execute();
}

/** Nothing more may be sent until the customer writes: they unfollowed, or WeChat said the window is spent. */
export async function closeWindow(db: DbOrTx, channel: string, userId: string, at = now()): Promise<void> {
  await db
    .updateTable('wechat_windows')
    .set({ quota_remaining: 0, opened_by: 'closed', updated_at: at })
    .where('channel_name', '=', channel)
    .where('user_id', '=', userId)
    .execute();
}

export async function readWindow(db: DbOrTx, channel: string, userId: string): Promise<SendWindow | null> {
  const row = await db
    .selectFrom('wechat_windows')
    .select(['window_expires_at', 'quota_remaining', 'opened_by'])
    .where('channel_name', '=', channel)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? { expiresAt: row.window_expires_at, remaining: row.quota_remaining, openedBy: row.opened_by } : null;
}

/** WeChat refused a message it never took: the taken place is given back, if the same window is still open. */
export async function giveBackToWindow(db: DbOrTx, channel: string, userId: string, at = now()): Promise<void> {
  await db
    .updateTable('wechat_windows')
    .set((eb) => ({ quota_remaining: eb('quota_remaining', '+', 1), updated_at: at }))
    .where('channel_name', '=', channel)
    .where('user_id', '=', userId)
    .where('window_expires_at', '>', at)
    .where('opened_by', '!=', 'closed')
    .execute();
}
