import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacSha256Hex, signaturesEqual } from '../../../../server/channels/kit/hmac.js';
import { downloadMedia } from '../../../../server/channels/kit/media.js';
import { toE164 } from '../../../../server/channels/kit/phone.js';

describe('webhook kit: signatures', () => {
  it('computes HMAC-SHA256 over the exact bytes (the WhatsApp vector)', () => {
    const body = Buffer.from('{"object":"whatsapp_business_account"}');
    expect(hmacSha256Hex('appsecret', body)).toBe('f6491327cb5b041cdf4fe69b94711c7b68bb0aef719854bae676a59788a2b6b6');
  });

  it('signs "<timestamp>.<body>" from parts the same as from one string', () => {
    expect(hmacSha256Hex('s', '1700000000', '.', Buffer.from('{"a":1}'))).toBe(hmacSha256Hex('s', '1700000000.{"a":1}'));
  });

  it('refuses a signature one character off, and one of another length', () => {
    const good = hmacSha256Hex('secret', 'payload');
    const forged = `${good.slice(0, -1)}${good.endsWith('0') ? '1' : '0'}`;
    expect(signaturesEqual(good, good)).toBe(true);
    expect(signaturesEqual(good, forged)).toBe(false);
    expect(signaturesEqual(good, good.slice(1))).toBe(false);
    expect(signaturesEqual(good, '')).toBe(false);
  });
});

describe('webhook kit: phone numbers', () => {
  it.each([
    ['+49 151 1234 5678', undefined, '+4915112345678'],
    ['0049 151 12345678', undefined, '+4915112345678'],
    ['004915112345678', undefined, '+4915112345678'],
    ['4915112345678', undefined, '+4915112345678'],
    ['(415) 555-2671', 'US', '+14155552671'],
    ['+86 138 0013 8000', undefined, '+8613800138000'],
    ['008613800138000', undefined, '+8613800138000'],
    // WhatsApp's wa_id: international, without the plus
    ['16505550142', undefined, '+16505550142'],
    ['5511987654321', undefined, '+5511987654321'],
    ['+1 (650) 555-0142', undefined, '+16505550142'],
    ['12', undefined, null],
    ['call me', undefined, null],
    ['', undefined, null],
  ] as const)('%s → %s', (raw, country, e164) => {
    expect(toE164(raw, country)).toBe(e164);
  });
});

describe('webhook kit: bounded media download', () => {
  let server: Server;
  let base = '';
  const small = Buffer.alloc(1000, 7);
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/small') {
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': small.length });
        res.end(small);
      } else if (req.url === '/declared-big') {
        res.writeHead(200, { 'content-length': 5000 });
        res.end(Buffer.alloc(5000));
      } else if (req.url === '/chunked-big') {
        // No Content-Length: the cap must hold while reading.
        res.writeHead(200, { 'content-type': 'application/pdf' });
        for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1000));
        res.end();
      } else if (req.url === '/busy') {
        res.writeHead(503).end();
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('keeps a file under the limit byte for byte, with its type', async () => {
    const got = await downloadMedia({ url: `${base}/small`, filename: 'a.png' }, 2000);
    expect(got.kind).toBe('stored');
    if (got.kind !== 'stored') return;
    expect(got.attachment.content.equals(small)).toBe(true);
    expect(got.attachment.contentType).toBe('image/png');
  });

  it('skips a file announced, declared or read past the limit', async () => {
    expect(await downloadMedia({ url: `${base}/small`, filename: 'x', announcedSize: 9000 }, 2000)).toEqual({
      kind: 'skipped',
      skipped: { name: 'x', size: 9000, reason: 'too_large' },
      transient: false,
    });
    expect(await downloadMedia({ url: `${base}/declared-big`, filename: 'd' }, 2000)).toMatchObject({ kind: 'skipped', skipped: { size: 5000, reason: 'too_large' } });
    const chunked = await downloadMedia({ url: `${base}/chunked-big`, filename: 'c.pdf' }, 2000);
    expect(chunked).toMatchObject({ kind: 'skipped', skipped: { name: 'c.pdf', reason: 'too_large' } });
  });

  it('skips a file the provider cannot serve instead of failing, and says why', async () => {
    expect(await downloadMedia({ url: `${base}/gone`, filename: 'g' }, 2000)).toEqual({
      kind: 'skipped',
      skipped: { name: 'g', size: 0, reason: 'unavailable', detail: 'HTTP 404' },
      transient: false,
    });
  });

  it('tells a failure worth retrying (a 5xx, no answer) from a final one (a 4xx)', async () => {
    expect(await downloadMedia({ url: `${base}/busy`, filename: 'b' }, 2000)).toMatchObject({ kind: 'skipped', transient: true });
    const closed = `http://127.0.0.1:1/nothing-listens-here`;
    expect(await downloadMedia({ url: closed, filename: 'c' }, 2000)).toMatchObject({ kind: 'skipped', skipped: { reason: 'unavailable' }, transient: true });
  });
});
