import { t, type MessageKey } from '../../shared/i18n/i18n.js';

/** A held WeChat reply: queued on purpose until the customer writes (the server's held_for_customer reason). */
export const isHeldReply = (error: string | undefined): boolean => error?.startsWith('held_for_customer') ?? false;

/**
 * A WeChat errcode in a delivery error, explained in the agent's language when it is one of the
 * common ones; null when the error names no errcode Kefu knows.
 */
export function wechatErrcodeText(error: string | undefined): string | null {
  const code = /WeChat errcode (-?\d+)/.exec(error ?? '')?.[1];
  if (code === undefined) return null;
  const key = `wechat.errcode.${code}` as MessageKey;
  const text = t(key);
  return text === key ? null : `${t(key)} (${code})`;
}

/** "23 h 5 min" or "40 s": what is left of a window. */
export function windowLeft(ms: number): string {
  if (ms < 60_000) return t('wechat.seconds', { s: Math.max(0, Math.ceil(ms / 1000)) });
  const minutes = Math.floor(ms / 60_000);
  return t('wechat.hoursMinutes', { h: Math.floor(minutes / 60), m: minutes % 60 });
}

export const utf8Bytes = (text: string): number => new TextEncoder().encode(text).length;
