import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestRawEmail } from '../../../../server/channels/email/ingest.js';
import { parseEmail, type ParsedEmail } from '../../../../server/channels/email/parse.js';
import { createTestApp } from '../../../helpers/app.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/email');
const opts = { maxAttachmentBytes: 25 * 1024 * 1024 };
const load = (name: string): Promise<ParsedEmail> => parseEmail(readFileSync(path.join(FIXTURES, name)), opts);

interface Shape {
  file: string;
  /** the sender address, or null when it must be marked invalid */
  from: string | null;
  name?: string;
  subject: string;
  says: string;
  attachments?: Array<{ filename: RegExp; contentType: string; inline?: boolean; contentId?: string }>;
  /** html must contain this */
  html?: string;
  note?: RegExp;
}

const shapes: Shape[] = [
  { file: 'from-bare-name-addr.eml', from: 'zhangsan@example.cn', name: 'Zhang San', subject: 'Invoice copy', says: 'invoice 7781' },
  { file: 'from-quoted-name-no-brackets.eml', from: 'maria.lopez@example.es', name: 'Maria Lopez', subject: 'Pedido 4410', says: 'no ha llegado todavía' },
  { file: 'from-space-in-local-part.eml', from: '"bob jones"@example.com', name: 'Bob Jones', subject: 'Login trouble', says: 'cannot sign in' },
  { file: 'iso-2022-jp-label-shift-jis-bytes.eml', from: 'hanako.sato@example.co.jp', name: '佐藤花子', subject: '見積もりの件', says: '見積書を再送していただけますか' },
  { file: 'iso-2022-jp-label-euc-jp-bytes.eml', from: 'tanaka@example.ne.jp', name: '田中', subject: '配送状況の確認', says: '荷物がまだ届いていません' },
  { file: 'gb2312-label-gbk-bytes.eml', from: 'zhu@example.cn', name: '朱镕基', subject: '关于喆的订单', says: '镕和喆两个字' },
  { file: 'gb2312-label-utf-8-bytes.eml', from: 'lilei@example.cn', name: 'Li Lei', subject: '退货地址', says: '请告诉我退货地址' },
  {
    file: 'attached-message-rfc822.eml',
    from: 'buyer@example.org',
    name: 'Buyer',
    subject: 'FW: Order confirmation 9921',
    says: 'the price is wrong',
    attachments: [{ filename: /\.eml$/, contentType: 'message/rfc822', inline: false }],
  },
  {
    file: 'inline-cid-mixed-no-disposition.eml',
    from: 'kim@example.net',
    subject: 'Screenshot of the problem',
    says: 'This is what I see',
    attachments: [{ filename: /^shot\.png$/, contentType: 'image/png', inline: true, contentId: 'shot1@example.net' }],
    html: 'cid:shot1@example.net',
  },
  { file: 'multipart-without-boundary.eml', from: 'pat@example.org', subject: 'Refund status', says: 'Any news on my refund for order 3318?' },
  { file: 'raw-8bit-gbk-headers.eml', from: 'zhangwei@example.cn', name: '张伟', subject: '退款申请 订单 8812', says: '订单8812申请退款' },
  { file: 'raw-8bit-shift-jis-headers-unlabelled.eml', from: 'yamada@example.jp', name: '山田 太郎', subject: '見積もりについて', says: 'attached quote' },
  { file: 'raw-8bit-latin1-headers-unlabelled.eml', from: 'jm@example.de', name: 'Jürgen Müller', subject: 'Rücksendung Bestellung 4471', says: 'Bitte um Abholung' },
  { file: 'invalid-sender.eml', from: null, subject: 'you won', says: 'Claim your prize', note: /sender address .*invalid/i },
];

describe('real-world shapes', () => {
  it.each(shapes)('reads $file', async (s) => {
    const mail = await load(s.file);
    expect(mail.from?.address ?? null).toBe(s.from);
    if (s.name !== undefined) expect(mail.from?.name).toBe(s.name);
    expect(mail.subject).toBe(s.subject);
    expect(mail.text).toContain(s.says);
    expect(mail.text).not.toContain('\uFFFD');
    expect(mail.subject + (mail.from?.name ?? '')).not.toContain('\uFFFD');
    const expected = s.attachments ?? [];
    expect(mail.attachments).toHaveLength(expected.length);
    expected.forEach((e, i) => {
      const a = mail.attachments[i];
      expect(a?.filename).toMatch(e.filename);
      expect(a?.contentType).toBe(e.contentType);
      if (e.inline !== undefined) expect(Boolean(a?.inline)).toBe(e.inline);
      if (e.contentId !== undefined) expect(a?.contentId).toBe(e.contentId);
    });
    if (s.html) expect(mail.html).toContain(s.html);
    if (s.note) expect(mail.notes.join('\n')).toMatch(s.note);
    expect(mail.messageIdSynthesized).toBe(false);
  });

  it('keeps sender, subject and Message-ID of a mail with over 1,000 MIME parts, and its text', async () => {
    const parts: string[] = [];
    parts.push('--many', 'Content-Type: text/plain; charset=us-ascii', '', 'The first part says hello.', '');
    for (let i = 0; i < 1100; i++) parts.push('--many', 'Content-Type: text/plain; charset=us-ascii', `Content-Disposition: attachment; filename="p${i}.txt"`, '', `part ${i}`, '');
    const raw = Buffer.from(
      [
        'From: Many Parts <many@example.org>',
        'To: support@example.com',
        'Subject: Lots of files',
        'Message-ID: <many.parts.8@example.org>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="many"',
        '',
        ...parts,
        '--many--',
        '',
      ].join('\r\n'),
    );
    const mail = await parseEmail(raw, opts);
    expect(mail.from?.address).toBe('many@example.org');
    expect(mail.subject).toBe('Lots of files');
    expect(mail.messageId).toBe('many.parts.8@example.org');
    expect(mail.text).toContain('The first part says hello.');
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([['original-message.eml', 'message/rfc822']]);
    expect(mail.attachments[0]?.content.equals(raw)).toBe(true);
  });
});

describe('an invalid sender through intake', () => {
  it('keeps the message, marks the sender invalid and sends no acknowledgement', async () => {
    const t = await createTestApp({
      channels: { email: [{ name: 'support', address: 'support@example.com', auto_acknowledge: { subject: 'Received', body: 'Thanks.' } }] },
    });
    try {
      const channel = t.config.channels.email[0];
      if (!channel) throw new Error('no channel');
      const res = await ingestRawEmail(t.ctx, channel, readFileSync(path.join(FIXTURES, 'invalid-sender.eml')));
      expect(res.created).toBe(true);
      const message = await t.ctx.db.selectFrom('messages').select(['text', 'meta']).where('id', '=', res.messageId as number).executeTakeFirstOrThrow();
      expect(message.text).toContain('Claim your prize');
      expect(JSON.parse(message.meta).email.invalidSender).toBe('<<<@@@>>>');
      const identities = await t.ctx.db.selectFrom('contact_identities').select('value').execute();
      expect(identities.map((i) => i.value)).not.toContain('@@@');
      const queued = await t.ctx.db.selectFrom('outbox').select('id').execute();
      expect(queued).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
