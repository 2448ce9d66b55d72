import { describe, expect, it } from 'vitest';
import { signatureMatches, WechatCipher, WechatCryptoError, wechatSignature } from '../../../../server/channels/wechat/crypto.js';

// WeCom's published vector (developer documentation, "加解密方案说明", path 90968).
const TOKEN = 'QDG6eK';
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const RECEIVE_ID = 'wx5823bf96d3bd56c7';
const ECHOSTR = 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==';

describe('WeChat signature', () => {
  it('matches the URL-verification signature over token, timestamp and nonce', () => {
    expect(wechatSignature('kefu', '1700000000', '123456')).toBe('476be04359b83dba521d1bd10031c87748354651');
  });

  it("matches WeCom's published msg_signature over token, timestamp, nonce and echostr", () => {
    expect(wechatSignature(TOKEN, '1409659589', '263014780', ECHOSTR)).toBe('5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3');
  });

  it('rejects a one-byte change', () => {
    const good = wechatSignature(TOKEN, '1409659589', '263014780', ECHOSTR);
    expect(signatureMatches(good, good)).toBe(true);
    expect(signatureMatches(good, `${good.slice(0, -1)}0`)).toBe(false);
    expect(wechatSignature(TOKEN, '1409659589', '263014781', ECHOSTR)).not.toBe(good);
    expect(signatureMatches(good, undefined)).toBe(false);
  });
});

describe('WeChat safe-mode cipher', () => {
  it("decrypts WeCom's published echostr to its stated value", () => {
    expect(new WechatCipher(AES_KEY, RECEIVE_ID).decrypt(ECHOSTR)).toBe('1616140317555161061');
  });

  it('refuses the vector for another receive id (the AppID check)', () => {
    expect(() => new WechatCipher(AES_KEY, 'wx0000000000000000').decrypt(ECHOSTR)).toThrow(WechatCryptoError);
  });

  it('round-trips Chinese text and pads to 32 bytes', () => {
    const cipher = new WechatCipher(AES_KEY, RECEIVE_ID);
    for (const text of ['', '你好，客服', 'x'.repeat(12), 'y'.repeat(5000)]) {
      const enc = cipher.encrypt(text);
      expect(Buffer.from(enc, 'base64').length % 32).toBe(0);
      expect(cipher.decrypt(enc)).toBe(text);
    }
  });

  it('refuses a tampered ciphertext and a bad key', () => {
    const cipher = new WechatCipher(AES_KEY, RECEIVE_ID);
    const enc = Buffer.from(cipher.encrypt('hello'), 'base64');
    enc[enc.length - 1] = (enc[enc.length - 1] ?? 0) ^ 1;
    expect(() => cipher.decrypt(enc.toString('base64'))).toThrow(WechatCryptoError);
    expect(() => cipher.decrypt('abc')).toThrow(WechatCryptoError);
    expect(() => new WechatCipher('short', RECEIVE_ID)).toThrow(/43 characters/);
  });
});
