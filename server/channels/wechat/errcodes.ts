/**
 * WeChat's errcodes an agent is likely to meet, with what they mean for the reply. The agent app
 * translates them (i18n keys wechat.errcode.<code>); the English here goes to logs and the API.
 */
export const WECHAT_ERRCODES: Record<number, string> = {
  [-1]: 'WeChat is busy; the reply will be retried',
  40001: 'the access_token is invalid (the AppSecret changed, or another system fetched a new token)',
  40003: 'the customer (openid) does not belong to this account',
  40014: 'the access_token is not valid',
  40125: 'the AppSecret is wrong',
  40164: "this server's IP address is not on the account's IP allowlist",
  41001: 'the access_token is missing',
  42001: 'the access_token has expired',
  45002: 'the message is too long',
  45009: "the account's daily API quota is used up",
  45015: 'the 48-hour window has closed (the customer has not written for 48 hours, or unfollowed)',
  45047: 'the customer-service message quota for this window is used up',
  48001: 'the account has no permission for customer-service messages (it must be verified)',
  95000: 'WeCom: the customer has no open session with this customer-service account',
  95001: 'WeCom: the message quota for this session is used up',
  95007: 'WeCom: the msgtoken is invalid',
};

/** Tokens WeChat no longer accepts: fetch a new one and try again once. */
export const TOKEN_ERRCODES = new Set([40001, 40014, 41001, 42001]);
/** WeChat refuses because the window or quota is spent: the reply waits for the customer. */
export const WINDOW_ERRCODES = new Set([45015, 45047, 95001]);

export class WechatApiError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
    readonly path: string,
  ) {
    // The "WeChat errcode N" prefix is what the agent app looks for to show the explanation in the agent's language.
    super(`WeChat errcode ${errcode}: ${WECHAT_ERRCODES[errcode] ?? errmsg} (${path})`);
    this.name = 'WechatApiError';
  }
}
