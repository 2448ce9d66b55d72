import { Type, type Static } from '@sinclair/typebox';

/**
 * One WeChat channel: an Official Account (公众号) or a WeCom customer-service account (微信客服).
 * Both kinds share one list; which keys are required depends on `kind` (see wechatConfigProblems).
 */
export const WechatChannelSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$', maxLength: 64 }),
    kind: Type.Union([Type.Literal('official_account'), Type.Literal('wecom_kf')], { default: 'official_account' }),
    display_name: Type.Optional(Type.String()),
    /** Official Account: the AppID (wx…) and AppSecret from the developer console. */
    app_id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{4,64}$' })),
    app_secret: Type.Optional(Type.String({ minLength: 1 })),
    /** WeCom: the corp id (ww…) and the 微信客服 application's secret. */
    corp_id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{4,64}$' })),
    secret: Type.Optional(Type.String({ minLength: 1 })),
    /** The Token typed into the console's server configuration: 3 to 32 letters and digits. */
    token: Type.String({ pattern: '^[A-Za-z0-9]{3,32}$' }),
    /** The 43-character EncodingAESKey; left out, an Official Account runs in plaintext mode. */
    encoding_aes_key: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{43}$' })),
    /** WeCom: the customer-service accounts (open_kfid, wk…) this channel answers. */
    open_kfids: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    /** WeCom: sent to a customer entering a session (enter_session event with a welcome_code). */
    welcome_message: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    /** WeCom: the 接待人员 userid a session is handed to when an agent takes it (service_state 3). */
    servicer_userid: Type.Optional(Type.String({ minLength: 1 })),
    /** Defaults to https://api.weixin.qq.com (Official Account) or https://qyapi.weixin.qq.com (WeCom). */
    api_base_url: Type.Optional(Type.String({ pattern: '^https?://' })),
  },
  { additionalProperties: false },
);

export type WechatChannelConfig = Static<typeof WechatChannelSchema>;

export const DEFAULT_API_BASE = { official_account: 'https://api.weixin.qq.com', wecom_kf: 'https://qyapi.weixin.qq.com' } as const;

export function apiBase(channel: WechatChannelConfig): string {
  return (channel.api_base_url ?? DEFAULT_API_BASE[channel.kind]).replace(/\/+$/, '');
}

/** Keys each kind needs, reported by their config path so the operator knows what to add. */
export function wechatConfigProblems(channels: ReadonlyArray<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  channels.forEach((c, i) => {
    const at = `channels.wechat[${i}]`;
    const need = (key: string, why: string) => {
      if (c[key] === undefined) problems.push(`${at}.${key}: is required ${why}`);
    };
    if (c.kind === 'wecom_kf') {
      need('corp_id', 'for a wecom_kf channel');
      need('secret', 'for a wecom_kf channel (or secret_file)');
      need('encoding_aes_key', 'for a wecom_kf channel: WeCom always encrypts its callbacks');
      need('open_kfids', 'for a wecom_kf channel: list the open_kfid of each customer-service account');
      for (const key of ['app_id', 'app_secret']) {
        if (c[key] !== undefined) problems.push(`${at}.${key}: belongs to an official_account channel; a wecom_kf channel uses corp_id and secret`);
      }
    } else {
      need('app_id', 'for an official_account channel');
      need('app_secret', 'for an official_account channel (or app_secret_file)');
      for (const key of ['corp_id', 'secret', 'open_kfids', 'welcome_message', 'servicer_userid']) {
        if (c[key] !== undefined) problems.push(`${at}.${key}: belongs to a wecom_kf channel, not an official_account one`);
      }
    }
  });
  return problems;
}
