import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailPipeCommand } from '../../../../server/channels/email/mail-pipe.js';
import { parsePool } from '../../../../server/channels/email/parse-pool.js';
import { createTestApp, type TestApp } from '../../../helpers/app.js';
import { buildMail } from './mail-builder.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const FIXTURES = path.join(ROOT, 'tests/fixtures/email');
const CHANNELS = { email: [{ name: 'support', address: 'support@example.com' }, { name: 'piped', address: 'piped@example.com' }] };

let t: TestApp;

/** The app's database in the config the CLI reads: the same one, on either driver. */
const databaseYaml = (app: TestApp): string =>
  app.config.database.driver === 'postgres' ? `database:\n  driver: postgres\n  url: ${JSON.stringify(app.config.database.url)}\n` : '';
let configFile: string;

beforeAll(async () => {
  t = await createTestApp({ channels: CHANNELS });
  configFile = path.join(t.dataDir, 'config.yaml');
  writeFileSync(
    configFile,
    `data_dir: ${JSON.stringify(t.dataDir)}\n${databaseYaml(t)}log:\n  level: warn\nchannels:\n  email:\n    - name: support\n      address: support@example.com\n    - name: piped\n      address: piped@example.com\n`,
  );
});
afterAll(async () => t?.close());

function pipe(raw: Buffer, channel = 'piped'): { code: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/cli.ts'), 'mail-pipe', '--channel', channel, '--config', configFile], {
    input: raw,
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 80_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** The same command in this process (a spawned CLI costs seconds of TypeScript loading). */
async function pipeHere(raw: Buffer, channel = 'piped'): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks: string[] = [];
  const errs: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  err.on('data', (c: Buffer) => errs.push(c.toString()));
  let code: number;
  try {
    code = await mailPipeCommand(Readable.from([raw])).run({ argv: ['--channel', channel], configPath: configFile, stdout: out, stderr: err });
  } catch (e) {
    errs.push(e instanceof Error ? e.message : String(e));
    code = 1;
  }
  return { code, stdout: chunks.join(''), stderr: errs.join('') };
}

const rawPost = (name: string, body: Buffer, headers: Record<string, string> = t.admin.headers) =>
  t.app.inject({ method: 'POST', url: `/api/v1/channels/email/${name}/raw`, headers: { ...headers, 'content-type': 'message/rfc822' }, payload: body });

describe('mail-pipe command', () => {
  it('ingests a message from stdin while the app holds the database, and prints one JSON line', async () => {
    const raw = readFileSync(path.join(FIXTURES, 'foxmail-gb2312.eml'));
    const first = pipe(raw);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0] as string) as { ticketId: number; ticketNumber: number; messageId: number; created: boolean };
    expect(result).toMatchObject({ created: true });
    expect(Object.keys(result).sort()).toEqual(['created', 'messageId', 'ticketId', 'ticketNumber']);

    // Read back over the API as an agent would.
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${result.ticketId}`, headers: t.admin.headers });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ ticket: { number: number; subject: string }; messages: Array<{ text: string; author: { name: string } }>; contact: { email: string } }>();
    expect(body.ticket).toMatchObject({ number: result.ticketNumber, subject: '回复：退款申请已受理' });
    expect(body.contact.email).toBe('liming@foxmail.example');
    expect(body.messages[0]?.text).toContain('订单号 202403051888');
    expect(body.messages[0]?.author.name).toBe('李明');

    const again = await pipeHere(raw);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ ...result, created: false });
  }, 90_000);

  it('fails naming the problem for an unknown channel or an empty stdin', async () => {
    const unknown = await pipeHere(buildMail(), 'nope');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/no email channel named "nope"/);
    expect(unknown.stdout).toBe('');
    const empty = await pipeHere(Buffer.alloc(0));
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toMatch(/no message on stdin/);
  });
});

describe('POST /api/v1/channels/email/:name/raw', () => {
  it('ingests a raw message for an admin and answers created=false on a repeat', async () => {
    const raw = buildMail({ messageId: 'http-raw-1@example.org', subject: 'Via HTTP' });
    const one = await rawPost('support', raw);
    expect(one.statusCode).toBe(200);
    const r = one.json<{ ticketId: number; created: boolean }>();
    expect(r.created).toBe(true);
    const two = await rawPost('support', raw);
    expect(two.json()).toEqual({ ...one.json(), created: false });
  });

  it('parses concurrent uploads on the worker pool, as an MTA delivering several at once', async () => {
    const before = parsePool(t.ctx).stats();
    const mails = Array.from({ length: 6 }, (_, i) => buildMail({ from: `Nora${i} <nora${i}@example.org>`, messageId: `http-burst-${i}@example.org`, subject: `Burst ${i}` }));
    const responses = await Promise.all(mails.map((m) => rawPost('support', m)));
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
    const results = responses.map((r) => r.json<{ ticketId: number; created: boolean }>());
    expect(results.every((r) => r.created)).toBe(true);
    expect(new Set(results.map((r) => r.ticketId)).size).toBe(6);
    const after = parsePool(t.ctx).stats();
    expect(after.workers).toBeGreaterThanOrEqual(1);
    expect(after.parsedInline).toBe(before.parsedInline);
  });

  it('takes every fixture of the corpus and reads each back over the API', async () => {
    interface TicketBody {
      ticket: { id: number; subject: string };
      contact: { email: string | null };
      messages: Array<{ kind: string; text: string; html: string | null; attachments: Array<{ name: string; url: string }> }>;
    }
    for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith('.eml'))) {
      const res = await rawPost('support', readFileSync(path.join(FIXTURES, file)));
      expect(res.statusCode, file).toBe(200);
      const { ticketId } = res.json<{ ticketId: number | null }>();
      expect(ticketId, file).not.toBeNull();
      const ticket = await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${ticketId}`, headers: t.admin.headers });
      expect(ticket.statusCode, file).toBe(200);
      const body = ticket.json<TicketBody>();
      expect(body.messages.length, file).toBeGreaterThan(0);
      if (file === 'qqmail-gb18030-attachment.eml') {
        const att = body.messages.flatMap((m) => m.attachments);
        expect(att.map((a) => a.name)).toEqual(['发票扫描件.pdf']);
        const download = await t.app.inject({ method: 'GET', url: att[0]?.url ?? '', headers: t.admin.headers });
        expect(download.statusCode).toBe(200);
        expect(download.rawPayload.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
      }
      if (file === 'iso-2022-jp.eml') {
        expect(body.contact.email).toBe('taro.yamada@example.jp');
        expect(body.ticket.subject).toBe('Re: ご注文の確認');
        expect(body.messages[0]?.text).toContain('注文番号 A-77812');
      }
    }
  });

  it('stores a mail whose 50 MB attachment is over the limit, without it and with a note', async () => {
    const b64 = Buffer.from(Buffer.alloc(50 * 1024 * 1024, 0x42).toString('base64'));
    const lines: Buffer[] = [];
    for (let i = 0; i < b64.length; i += 76) lines.push(b64.subarray(i, i + 76), Buffer.from('\r\n'));
    const raw = Buffer.concat([
      Buffer.from(
        'From: Video <video@example.org>\r\nTo: support@example.com\r\nSubject: Recording\r\nMessage-ID: <huge-1@example.org>\r\n' +
          'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="h"\r\n\r\n--h\r\nContent-Type: text/plain\r\n\r\nSee the recording.\r\n' +
          '--h\r\nContent-Type: video/mp4\r\nContent-Disposition: attachment; filename="rec.mp4"\r\nContent-Transfer-Encoding: base64\r\n\r\n',
      ),
      ...lines,
      Buffer.from('--h--\r\n'),
    ]);
    const res = await rawPost('support', raw);
    expect(res.statusCode).toBe(200);
    const { messageId } = res.json<{ messageId: number }>();
    const row = await t.ctx.db.selectFrom('messages').select(['text', 'meta']).where('id', '=', messageId).executeTakeFirstOrThrow();
    expect(row.text).toContain('See the recording.');
    expect(JSON.parse(row.meta).notes.join(' ')).toMatch(/"rec\.mp4" \(50\.0 MB\) is larger than the 25 MB limit/);
    const attached = await t.ctx.db.selectFrom('message_attachments').select('attachment_id').where('message_id', '=', messageId).execute();
    expect(attached).toEqual([]);
  });

  it('keeps a header injection attempt out of the stored subject', async () => {
    const res = await rawPost('support', readFileSync(path.join(FIXTURES, 'header-injection.eml')));
    const { ticketId } = res.json<{ ticketId: number }>();
    const ticket = await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${ticketId}`, headers: t.admin.headers });
    expect(ticket.json<{ ticket: { subject: string } }>().ticket.subject).not.toMatch(/[\r\n]/);
  });

  it('is for admins only and 404s an unknown channel', async () => {
    const agent = await t.signIn('agent');
    expect((await rawPost('support', buildMail(), agent.headers)).statusCode).toBe(403);
    expect((await rawPost('missing', buildMail())).statusCode).toBe(404);
    expect((await rawPost('support', Buffer.alloc(0))).statusCode).toBe(400);
  });

  it('lists channels with their mailbox state', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/channels', headers: t.admin.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ items: unknown[] }>().items).toEqual(
      expect.arrayContaining([{ kind: 'email', name: 'support', address: 'support@example.com', state: null }]),
    );
  });
});
