import type { AppContext } from '../../context.js';
import { WechatApi } from './api.js';
import type { WechatChannelConfig } from './config-schema.js';
import { WechatCipher } from './crypto.js';

/** A configured WeChat channel with what it needs at run time: its API client and, in safe mode, its cipher. */
export interface WechatChannel {
  config: WechatChannelConfig;
  api: WechatApi;
  /** null: plaintext mode (an Official Account without an EncodingAESKey). */
  cipher: WechatCipher | null;
}

const runtimes = new WeakMap<AppContext, Map<string, WechatChannel>>();

/** The WeChat channels of this context, made once: the token cache must be one per channel and process. */
export function wechatChannels(ctx: AppContext): Map<string, WechatChannel> {
  let map = runtimes.get(ctx);
  if (map) return map;
  map = new Map();
  const log = ctx.logger.child({ subsystem: 'wechat' });
  for (const config of ctx.config.channels.wechat) {
    const receiver = config.kind === 'wecom_kf' ? config.corp_id : config.app_id;
    map.set(config.name, {
      config,
      api: new WechatApi(config, ctx.database, log),
      cipher: config.encoding_aes_key ? new WechatCipher(config.encoding_aes_key, receiver ?? '') : null,
    });
  }
  runtimes.set(ctx, map);
  return map;
}

/** The conversation key of a customer on a channel; the sender reads the customer back from it. */
export function threadKeyOf(config: WechatChannelConfig, userId: string, openKfid?: string): string {
  return config.kind === 'wecom_kf' ? `kf:${openKfid ?? ''}:${userId}` : `oa:${userId}`;
}

export function parseThreadKey(key: string | null): { userId: string; openKfid: string | null } | null {
  if (!key) return null;
  if (key.startsWith('oa:')) return { userId: key.slice(3), openKfid: null };
  const m = /^kf:([^:]*):(.+)$/.exec(key);
  return m ? { userId: m[2] as string, openKfid: m[1] as string } : null;
}
