import { readFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseEmail, type ParsedEmail } from '../../../../server/channels/email/parse.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/email');
const LIMIT = 25 * 1024 * 1024;
const load = (name: string): Promise<ParsedEmail> => parseEmail(readFileSync(path.join(FIXTURES, name)), { maxAttachmentBytes: LIMIT });

interface Case {
  file: string;
  from: string;
  name?: string;
  subject: string;
  /** text the new part (before any quote) contains */
  says: string;
  /** text that must be inside the folded quote, or null when there is no quote */
  quoted?: string | null;
  signature?: string;
  attachments?: string[];
  inReplyTo?: string;
  auto?: 'auto-reply' | 'bulk' | 'bounce';
  note?: RegExp;
}

/** base64 in 76-character lines, as mail clients send it. */
function wrapBase64(content: Buffer): Buffer {
  const b64 = Buffer.from(content.toString('base64'));
  const lines: Buffer[] = [];
  const crlf = Buffer.from('\r\n');
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.subarray(i, i + 76), crlf);
  return Buffer.concat(lines);
}

const newText = (p: ParsedEmail): string => p.text.slice(0, p.quote.quoteStart ?? undefined);
const quoteText = (p: ParsedEmail): string | null => (p.quote.quoteStart === null ? null : p.text.slice(p.quote.quoteStart));

const cases: Case[] = [
  { file: 'outlook-reply-cp1252.eml', from: 'mark.thompson@contoso.example', subject: 'RE: Order 55231 replacement [#1042]', says: 'it’s the wrong size', quoted: 'we have shipped a replacement', inReplyTo: 'kefu.m17.lt3x1.abcdef012345@example.com' },
  { file: 'gmail-reply.eml', from: 'priya.raman@gmail.example', name: 'Priya Raman', subject: 'Re: Your order #8812 has shipped', says: 'label created', quoted: 'Tracking: 1Z999AA10123456784', inReplyTo: 'kefu.m21.lt2aa.00aa11bb22cc@example.com' },
  { file: 'apple-mail-iphone-zh.eml', from: 'wang.fang@icloud.example', name: '王芳', subject: 'Re: 订单 #20240301123 已发货', says: '左边没有声音', quoted: '您的订单已发货', signature: '发自我的iPhone' },
  { file: 'foxmail-gb2312.eml', from: 'liming@foxmail.example', name: '李明', subject: '回复：退款申请已受理', says: '订单号 202403051888', quoted: '预计3-5个工作日到账' },
  { file: 'qqmail-gb18030-attachment.eml', from: 'zhangwei@qq.example', name: '张伟', subject: '发票申请', says: '增值税专用发票。𠮷', quoted: null, attachments: ['发票扫描件.pdf'] },
  { file: 'outlook-big5.eml', from: 'meiling@hinet.example', name: '陳美玲', subject: '回覆: 訂單確認', says: '什麼時候會出貨', quoted: '感謝您的訂購' },
  { file: 'iso-2022-jp.eml', from: 'taro.yamada@example.jp', name: '山田太郎', subject: 'Re: ご注文の確認', says: 'まだ届いておりません', quoted: 'ご注文ありがとうございます' },
  { file: 'shift-jis-attachment.eml', from: 'suzuki@sample.example.jp', name: '鈴木一郎', subject: '請求書の宛名変更について', says: '株式会社サンプル', quoted: null, attachments: ['見積書.csv'] },
  { file: 'euc-kr-outlook.eml', from: 'minsu.kim@naver.example', name: '김민수', subject: '배송 문의', says: '아직 도착하지 않았습니다', quoted: null },
  { file: 'thunderbird-iso-8859-1.eml', from: 'j.mueller@web.example.de', name: 'Jürgen Müller', subject: 'Re: Rücksendung Bestellung 4471', says: 'Rücksendung für Bestellung', quoted: 'bitte senden Sie die Ware zurück' },
  { file: 'windows-1251-and-iso-8859-2.eml', from: 'olga@mail.example.ru', name: 'Ольга Иванова', subject: 'Проблема со входом', says: 'Zażółć gęślą jaźń', quoted: null, signature: '-- \nОльга' },
  { file: 'rfc2231-continuation.eml', from: 'alex.chen@example.org', subject: 'Manual attached', says: 'attached manual', attachments: ['产品使用说明书_第二版_2024年修订.txt'] },
  { file: 'gmail-forward.eml', from: 'sam@example.com', subject: 'Fwd: Broken item', says: 'The mug arrived broken', quoted: null },
  { file: 'outlook-zh-reply.eml', from: 'liuyang@corp.example.cn', name: '刘洋', subject: '答复: 发货延迟 [#1050]', says: '好的，收到', quoted: '由于天气原因', signature: '获取 Outlook for iOS', inReplyTo: 'kefu.m140.ltx.ffffeeeeddddcccc@example.com' },
  { file: 'auto-reply-outlook-ooo.eml', from: 'lisa.berg@contoso.example', subject: 'Automatic reply: Your ticket [#1042]', says: 'out of the office', auto: 'auto-reply' },
  { file: 'auto-reply-zh-subject.eml', from: 'wang@corp.example.cn', name: '王经理', subject: '自动回复: 您的工单已创建', says: '我正在休假', auto: 'auto-reply' },
  { file: 'bulk-newsletter.eml', from: 'news@shop.example', subject: '50% off this weekend only', says: 'BIG SALE', auto: 'bulk' },
  { file: 'dsn-bounce.eml', from: 'mailer-daemon@mx.example.com', subject: 'Undelivered Mail Returned to Sender', says: 'could not\nbe delivered', auto: 'auto-reply' },
  { file: 'bounce-plain-qmail.eml', from: 'mailer-daemon@mail.customer-isp.example', subject: 'failure notice', says: 'qmail-send program', auto: 'bounce' },
  { file: 'inline-cid-image.eml', from: 'tom@example.net', subject: 'Error when paying', says: 'Screenshot of the error', attachments: ['image001.png'] },
  { file: 'malformed-mime.eml', from: 'broken@example.org', subject: 'Help with my account', says: 'I cannot log in', note: /truncated/ },
  { file: 'undecodable-charset.eml', from: 'legacy@example.org', subject: '\uFFFD', says: 'status please', note: /x-mac-klingon/ },
  { file: 'header-injection.eml', from: 'eve@attacker.example', subject: 'Refund Bcc: all@victims.example X-Injected: yes', says: 'Please refund', note: /line breaks/ },
  { file: 'empty-body.eml', from: 'quiet@example.com.au', subject: '', says: '', note: /no text/ },
  { file: 'attachment-only.eml', from: 'scanner@office.example', subject: 'Scan', says: '', attachments: ['scan 0001.pdf'] },
];

describe('parseEmail over the fixture corpus', () => {
  it.each(cases)('reads $file', async (c) => {
    const p = await load(c.file);
    expect(p.from?.address).toBe(c.from);
    if (c.name) expect(p.from?.name).toBe(c.name);
    if (c.subject.length <= 1) expect(p.subject.startsWith(c.subject)).toBe(true);
    else expect(p.subject).toBe(c.subject);
    expect(newText(p)).toContain(c.says);
    if (c.quoted === null) expect(p.quote.quoteStart).toBeNull();
    if (c.quoted) expect(quoteText(p)).toContain(c.quoted);
    if (c.signature) expect(p.text.slice(p.quote.signatureStart ?? p.text.length)).toContain(c.signature);
    if (c.attachments) expect(p.attachments.map((a) => a.filename)).toEqual(expect.arrayContaining(c.attachments));
    if (c.inReplyTo) expect(p.inReplyTo).toContain(c.inReplyTo);
    expect(p.autoReply?.kind).toBe(c.auto);
    if (c.note) expect(p.notes.join('\n')).toMatch(c.note);
    for (const line of [p.subject, p.from?.name ?? '']) expect(line).not.toMatch(/[\r\n\x00]/);
  });

  it('keeps a new message from an Outlook reply readable without its quote', async () => {
    const p = await load('outlook-reply-cp1252.eml');
    expect(newText(p)).not.toContain('Hello Mark');
    expect(p.html).toContain('class="kf-quote"');
  });

  it('reads an RFC 3464 bounce: original Message-ID, recipient and reason', async () => {
    const p = await load('dsn-bounce.eml');
    expect(p.bounce).toMatchObject({
      originalMessageId: 'kefu.m99.lt9zz.0123456789ab@example.com',
      recipient: 'nobody@customer.example',
      action: 'failed',
      status: '5.1.1',
    });
    expect(p.bounce?.reason).toMatch(/User unknown/);
  });

  it('reads a plain-text bounce without a delivery report', async () => {
    const p = await load('bounce-plain-qmail.eml');
    expect(p.bounce).toMatchObject({ originalMessageId: 'kefu.m101.lt9zz.aaaaaaaaaaaa@example.com', recipient: 'gone@customer-isp.example', action: 'failed' });
    expect(p.bounce?.reason).toMatch(/mailbox full/);
  });

  it('does not take an ordinary reply for a bounce', async () => {
    for (const f of ['gmail-reply.eml', 'auto-reply-outlook-ooo.eml', 'foxmail-gb2312.eml']) expect((await load(f)).bounce).toBeNull();
  });

  it('gives a mail without Message-ID a stable id from its bytes', async () => {
    const a = await load('malformed-mime.eml');
    const b = await load('malformed-mime.eml');
    expect(a.messageIdSynthesized).toBe(true);
    expect(a.messageId).toBe(b.messageId);
    expect(a.date).toBeNull();
  });

  it('marks inline images and keeps their cid for rewriting', async () => {
    const p = await load('inline-cid-image.eml');
    const img = p.attachments.find((a) => a.filename === 'image001.png');
    expect(img).toMatchObject({ contentId: 'image001.png@01DA7234.5B6C7D80', inline: true, contentType: 'image/png' });
    expect(p.html).toContain('cid:image001.png@01DA7234.5B6C7D80');
  });

  it('strips scripts, handlers, frames, forms and remote loads from HTML', async () => {
    const p = await load('inline-cid-image.eml');
    const html = p.html ?? '';
    for (const bad of ['<script', 'onload', 'onclick', 'javascript:', '<iframe', '<form', 'url(']) expect(html).not.toContain(bad);
    expect(html).not.toMatch(/\ssrc="https?:/);
    expect(html).toContain('data-kf-remote-src="https://cdn.example.net/pixel.gif"');
    expect(p.blockedRemoteImages).toBe(1);
    expect(html).toContain('href="https://example.net/help"');
  });

  it('decodes an attachment file name given as an RFC 2231 GB18030 parameter', async () => {
    const p = await load('qqmail-gb18030-attachment.eml');
    expect(p.attachments[0]?.content.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
  });

  it('drops a 50 MB attachment over the limit with a note and keeps the message', async () => {
    const big = Buffer.alloc(50 * 1024 * 1024, 0x41);
    const raw = Buffer.concat([
      Buffer.from(
        'From: Big Sender <big@example.org>\r\nTo: support@example.com\r\nSubject: Huge video\r\nMessage-ID: <big-0001@example.org>\r\n' +
          'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nVideo of the fault attached.\r\n' +
          '--b\r\nContent-Type: video/mp4; name="fault.mp4"\r\nContent-Disposition: attachment; filename="fault.mp4"\r\nContent-Transfer-Encoding: base64\r\n\r\n',
      ),
      wrapBase64(big),
      Buffer.from('\r\n--b--\r\n'),
    ]);
    const p = await parseEmail(raw, { maxAttachmentBytes: LIMIT });
    expect(p.text).toContain('Video of the fault attached.');
    expect(p.attachments).toHaveLength(0);
    expect(p.notes.join('\n')).toMatch(/"fault\.mp4" \(50\.0 MB\) is larger than the 25 MB limit/);
  });

  it.each([
    ['gb2312', 'gb18030', '朱镕基 𠮷'],
    ['big5', 'big5hkscs', '香港 嘅 咗'],
    ['iso-8859-1', 'windows-1252', '“quoted” café'],
    ['ks_c_5601-1987', 'cp949', '똠방각하'],
  ])('reads text labelled %s with its superset %s', async (label, encoding, text) => {
    const body = iconv.encode(text, encoding);
    const name = `=?${label}?B?${iconv.encode(text, encoding).toString('base64')}?=`;
    const raw = Buffer.concat([Buffer.from(`From: ${name} <x@example.org>\r\nSubject: ${name}\r\nContent-Type: text/plain; charset="${label}"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`), body]);
    const p = await parseEmail(raw, { maxAttachmentBytes: LIMIT });
    expect(p.text).toBe(text);
    expect(p.subject).toBe(text);
    expect(p.from?.name).toBe(text);
    expect(p.notes).toEqual([]);
  });

  it('never throws on bytes that are not an email', async () => {
    const inputs = [Buffer.alloc(0), Buffer.from('\x00\x01\x02garbage'), Buffer.from('Content-Type: multipart/mixed; boundary=\r\n\r\n--\r\n--')];
    for (const raw of inputs) {
      const p = await parseEmail(raw, { maxAttachmentBytes: LIMIT });
      expect(p.messageId).toMatch(/@/);
      expect(p.from).toBeNull();
    }
  });
});

describe('a base64 text part whose bytes do not fit its label', () => {
  const mislabelled = (body: Buffer): Buffer =>
    Buffer.concat([
      Buffer.from(
        'From: Li <li@example.cn>\r\nTo: support@example.com\r\nSubject: refund\r\nMessage-ID: <mislabel@example.cn>\r\nMIME-Version: 1.0\r\n' +
          'Content-Type: multipart/alternative; boundary="m"\r\n\r\n--m\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n',
      ),
      body,
      Buffer.from('\r\n--m--\r\n'),
    ]);
  // One, two and three bytes past a whole base64 group: the padding differs for each.
  const texts = ['您好，订单还没有发货，请帮我查一下。', '您好，订单还没有发货，请帮我查一下。谢', '您好，订单还没有发货，请帮我查一下。谢谢'];

  it.each(texts)('reads GBK bytes labelled utf-8 as GB18030, in 76-character lines (%s)', async (text) => {
    const p = await parseEmail(mislabelled(wrapBase64(iconv.encode(text, 'gbk'))), { maxAttachmentBytes: LIMIT });
    expect(p.text.trim()).toBe(text);
    expect(p.notes.join(' ')).toMatch(/declared charset utf-8 but was written in gb18030/);
  });

  it('reads them too when the base64 lines carry stray spaces and tabs', async () => {
    const text = texts[2]!;
    const lines = wrapBase64(iconv.encode(text, 'gbk')).toString('latin1').replace(/\r\n/g, ' \t\r\n');
    const p = await parseEmail(mislabelled(Buffer.from(lines, 'latin1')), { maxAttachmentBytes: LIMIT });
    expect(p.text.trim()).toBe(text);
    expect(p.notes.join(' ')).toMatch(/written in gb18030/);
  });

  it('leaves valid UTF-8 under its utf-8 label alone', async () => {
    const text = texts[1]!;
    const p = await parseEmail(mislabelled(wrapBase64(Buffer.from(text))), { maxAttachmentBytes: LIMIT });
    expect(p.text.trim()).toBe(text);
    expect(p.notes).toEqual([]);
  });
});
