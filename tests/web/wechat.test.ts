import { afterEach, describe, expect, it } from 'vitest';
import { isHeldReply, utf8Bytes, wechatErrcodeText, windowLeft } from '../../web/agent/data/wechat.js';
import { setLanguage } from '../../web/shared/i18n/i18n.js';

afterEach(() => setLanguage('en'));

describe('WeChat helpers of the agent app', () => {
  it('explains a known errcode in the agent language and leaves unknown ones alone', async () => {
    const error = 'WeChat errcode 45015: the 48-hour window has closed (/cgi-bin/message/custom/send)';
    expect(wechatErrcodeText(error)).toMatch(/^The 48-hour window has closed.*\(45015\)$/);
    await setLanguage('zh-CN');
    expect(wechatErrcodeText(error)).toBe('回复时间超过限制：客户 48 小时内未发消息，或已取消关注 (45015)');
    await setLanguage('zh-TW');
    expect(wechatErrcodeText('WeChat errcode -1: busy')).toBe('微信系統繁忙，將自動重試 (-1)');
    expect(wechatErrcodeText('WeChat errcode 99999: something new')).toBeNull();
    expect(wechatErrcodeText('550 mailbox unavailable')).toBeNull();
  });

  it('tells a held reply from a retrying one', () => {
    expect(isHeldReply('held_for_customer: waiting for the customer to write')).toBe(true);
    expect(isHeldReply('connect ECONNREFUSED')).toBe(false);
    expect(isHeldReply(undefined)).toBe(false);
  });

  it('counts bytes as WeChat does and shows what is left of a window', async () => {
    expect(utf8Bytes('你好')).toBe(6);
    expect(utf8Bytes('hi')).toBe(2);
    expect(windowLeft(47 * 3_600_000 + 5 * 60_000 + 30_000)).toBe('47 h 5 min');
    expect(windowLeft(42_000)).toBe('42 s');
    await setLanguage('zh-CN');
    expect(windowLeft(90 * 60_000)).toBe('1 小时 30 分钟');
  });
});
