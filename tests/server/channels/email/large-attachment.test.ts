import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmailChannelConfig } from '../../../../server/channels/email/config-schema.js';
import { ingestRawEmail } from '../../../../server/channels/email/ingest.js';
import { attachmentPath } from '../../../../server/modules/attachments/storage.js';
import { createTestApp, type TestApp } from '../../../helpers/app.js';
import { storedAttachments } from './stored-attachments.js';

let t: TestApp;
let channel: EmailChannelConfig;

beforeAll(async () => {
  t = await createTestApp({ attachments: { max_size_mb: 2 }, channels: { email: [{ name: 'support', address: 'support@example.com' }] } });
  channel = t.config.channels.email[0] as EmailChannelConfig;
});
afterAll(async () => t?.close());

function mailWith(id: string, files: Array<{ name: string; bytes: Buffer }>): Buffer {
  const parts = files.map(
    (f) =>
      `--p\r\nContent-Type: application/octet-stream; name="${f.name}"\r\nContent-Disposition: attachment; filename="${f.name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${f.bytes.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n`,
  );
  return Buffer.from(
    `From: Ray <ray@example.org>\r\nTo: support@example.com\r\nSubject: Files\r\nMessage-ID: <${id}@example.org>\r\nMIME-Version: 1.0\r\n` +
      `Content-Type: multipart/mixed; boundary="p"\r\n\r\n--p\r\nContent-Type: text/plain\r\n\r\nTwo files attached.\r\n${parts.join('')}--p--\r\n`,
  );
}

const filesIn = (dir: string): string[] => {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    return [];
  }
};

describe('large attachments are streamed to the store while the mail is parsed', () => {
  it('stores a large part byte for byte and a small one as before, through the parse worker', async () => {
    const big = randomBytes(1536 * 1024);
    const small = randomBytes(2000);
    const res = await ingestRawEmail(t.ctx, channel, mailWith('spool-1', [{ name: 'big.bin', bytes: big }, { name: 'small.bin', bytes: small }]), { inline: false });
    const rows = await storedAttachments(t.ctx, res.messageId as number);
    expect(rows.map((r) => [r.name, r.size])).toEqual([
      ['big.bin', big.length],
      ['small.bin', small.length],
    ]);
    for (const [row, bytes] of [[rows[0], big], [rows[1], small]] as const) {
      expect(row?.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(readFileSync(attachmentPath(t.ctx.paths.attachments, row?.sha256 ?? '')).equals(bytes)).toBe(true);
    }
  });

  it('drops a part over the size limit with a note, and leaves no file of it behind', async () => {
    const before = filesIn(t.ctx.paths.attachments).length;
    const res = await ingestRawEmail(t.ctx, channel, mailWith('spool-2', [{ name: 'huge.bin', bytes: randomBytes(3 * 1024 * 1024) }]), { inline: false });
    const message = await t.ctx.db.selectFrom('messages').select('meta').where('id', '=', res.messageId as number).executeTakeFirstOrThrow();
    expect(JSON.parse(message.meta).notes.join('\n')).toMatch(/huge\.bin.*larger than the 2 MB limit/);
    expect(filesIn(t.ctx.paths.attachments).length).toBe(before);
    expect(filesIn(path.join(t.ctx.paths.attachments, 'tmp'))).toEqual([]);
  });
});
