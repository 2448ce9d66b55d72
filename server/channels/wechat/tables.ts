/** The access_token per channel, shared by every process on the database and kept over a restart. */
export interface WechatTokensTable {
  channel_name: string;
  access_token: string;
  expires_at: number;
  fetched_at: number;
}

/**
 * The customer-service window per customer: WeChat lets a business send `quota_remaining` more
 * messages until `window_expires_at`; each customer message opens a new one.
 */
export interface WechatWindowsTable {
  channel_name: string;
  /** openid (Official Account) or external_userid (WeCom) */
  user_id: string;
  window_expires_at: number;
  quota_remaining: number;
  /** what opened it: 'message' (5 in 48 h), 'event' (3 in a minute), 'closed' (unfollowed, or WeChat said no) */
  opened_by: string;
  updated_at: number;
}

/** Follows, unfollows, menu clicks and scans: facts about the customer, not messages. Deduplicated by sender and time. */
export interface WechatEventsTable {
  channel_name: string;
  user_id: string;
  create_time: number;
  event: string;
  event_key: string | null;
  created_at: number;
}

/** WeCom kf/sync_msg position per customer-service account, so a restart resumes where it stopped. */
export interface WechatKfCursorsTable {
  channel_name: string;
  open_kfid: string;
  cursor: string;
  updated_at: number;
}

export interface WechatTables {
  wechat_tokens: WechatTokensTable;
  wechat_windows: WechatWindowsTable;
  wechat_events: WechatEventsTable;
  wechat_kf_cursors: WechatKfCursorsTable;
}
