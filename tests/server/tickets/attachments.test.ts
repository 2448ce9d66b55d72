import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttachmentView } from '../../../server/modules/attachments/schemas.js';
import { removeStaleUploads } from '../../../server/modules/attachments/service.js';
import { attachmentPath } from '../../../server/modules/attachments/storage.js';
import type { MessageView } from '../../../server/modules/tickets/schemas.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/app.js';
import { as, inboundTicket } from './fixtures.js';

let t: TestApp;
let agent: Session;
let other: Session;

beforeAll(async () => {
  // 1 MB limit keeps the over-limit upload small; the body limit is lower still, to prove uploads are not bound by it.
  t = await createTestApp({ attachments: { max_size_mb: 1 }, server: { body_limit_mb: 0.5 } });
  agent = await t.signIn('agent');
  other = await t.signIn('agent');
});
afterAll(async () => t.close());

function multipart(name: string, type: string, content: Buffer, field = 'file'): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----kefu${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, content, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(session: Session, name: string, type: string, content: Buffer, field?: string) {
  const body = multipart(name, type, content, field);
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/attachments', headers: { ...session.headers, ...body.headers }, payload: body.payload });
  return { status: res.statusCode, body: res.json<{ attachment: AttachmentView; error?: { code: string } }>() };
}

/** Every file under the attachments dir, temp files included. */
function storedFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else out.push(path.join(dir, e.name));
    }
  };
  walk(t.ctx.paths.attachments);
  return out;
}

describe('attachments', () => {
  it('uploads a file larger than the JSON body limit, attaches it to a reply and serves it', async () => {
    const content = Buffer.alloc(700 * 1024, 7);
    const up = await upload(agent, '报价单 v2.pdf', 'application/pdf', content);
    expect(up.status).toBe(201);
    expect(up.body.attachment).toMatchObject({ name: '报价单 v2.pdf', contentType: 'application/pdf', size: content.length });
    const { ticketId } = await inboundTicket(t);
    const reply = await as(t, agent).post<{ message: MessageView }>(`/tickets/${ticketId}/messages`, { kind: 'reply', text: 'see attached', attachmentIds: [up.body.attachment.id] });
    expect(reply.status).toBe(201);
    expect(reply.body.message.attachments.map((a) => a.id)).toEqual([up.body.attachment.id]);

    const file = await t.app.inject({ method: 'GET', url: up.body.attachment.url, headers: { cookie: agent.cookie } });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(content)).toBe(true);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('报价单 v2.pdf')}`);

    // Sent once, it cannot be attached to another message.
    const again = await as(t, agent).post(`/tickets/${ticketId}/messages`, { kind: 'reply', text: 'again', attachmentIds: [up.body.attachment.id] });
    expect(again.status).toBe(400);
  });

  it('refuses a file over attachments.max_size_mb with 413 and stores nothing', async () => {
    const before = storedFiles();
    const rowsBefore = await t.ctx.db.selectFrom('attachments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const up = await upload(agent, 'big.bin', 'application/octet-stream', Buffer.alloc(1024 * 1024 + 10, 1));
    expect(up.status).toBe(413);
    expect(storedFiles()).toEqual(before);
    const rowsAfter = await t.ctx.db.selectFrom('attachments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(rowsAfter.n).toBe(rowsBefore.n);
  });

  it('serves risky types as downloads, never inline', async () => {
    const up = await upload(agent, 'page.html', 'text/html', Buffer.from('<script>alert(1)</script>'));
    const file = await t.app.inject({ method: 'GET', url: up.body.attachment.url, headers: { cookie: agent.cookie } });
    expect(file.headers['content-type']).toBe('application/octet-stream');
    expect(file.headers['content-disposition']).toMatch(/^attachment;/);
  });

  it('hides a draft upload from other agents and a sent one from agents outside the ticket’s scope', async () => {
    const up = await upload(agent, 'note.txt', 'text/plain', Buffer.from('draft'));
    const asOther = (url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: other.cookie } });
    expect((await asOther(up.body.attachment.url)).statusCode).toBe(404);
    const { ticketId } = await inboundTicket(t);
    await as(t, agent).patch(`/tickets/${ticketId}`, { assigneeId: agent.agentId });
    await as(t, agent).post(`/tickets/${ticketId}/messages`, { kind: 'note', text: 'file', attachmentIds: [up.body.attachment.id] });
    expect((await asOther(up.body.attachment.url)).statusCode).toBe(404);
    const supervisor = await t.signIn('supervisor');
    const seen = await t.app.inject({ method: 'GET', url: up.body.attachment.url, headers: { cookie: supervisor.cookie } });
    expect(seen.statusCode).toBe(200);
    const wrongName = await t.app.inject({ method: 'GET', url: `/api/v1/attachments/${up.body.attachment.id}/other.txt`, headers: { cookie: supervisor.cookie } });
    expect(wrongName.statusCode).toBe(404);
  });

  it('removes uploads never sent after a day, keeping sent ones and shared files', async () => {
    const draft = await upload(agent, 'draft.txt', 'text/plain', Buffer.from('unsent draft'));
    const sent = await upload(agent, 'sent.txt', 'text/plain', Buffer.from('sent file'));
    const { ticketId } = await inboundTicket(t);
    await as(t, agent).patch(`/tickets/${ticketId}`, { assigneeId: agent.agentId });
    await as(t, agent).post(`/tickets/${ticketId}/messages`, { kind: 'note', text: 'x', attachmentIds: [sent.body.attachment.id] });
    const filesBefore = storedFiles().length;
    expect(await removeStaleUploads(t.ctx, 24 * 3_600_000, Date.now())).toBe(0);
    expect(await removeStaleUploads(t.ctx, 24 * 3_600_000, Date.now() + 25 * 3_600_000)).toBeGreaterThanOrEqual(1);
    const left = await t.ctx.db.selectFrom('attachments').select('id').where('id', 'in', [draft.body.attachment.id, sent.body.attachment.id]).execute();
    expect(left.map((r) => r.id)).toEqual([sent.body.attachment.id]);
    expect(storedFiles().length).toBeLessThan(filesBefore);
  });

  it('answers 400 when the form has no "file" field', async () => {
    const up = await upload(agent, 'a.txt', 'text/plain', Buffer.from('x'), 'document');
    expect(up.status).toBe(400);
  });

  it('answers 404 attachment_file_missing when the stored file is gone, not 500', async () => {
    const up = await upload(agent, 'lost.txt', 'text/plain', Buffer.from('a file that will vanish'));
    expect(up.status).toBe(201);
    const row = await t.ctx.db.selectFrom('attachments').select('sha256').where('id', '=', up.body.attachment.id).executeTakeFirstOrThrow();
    rmSync(attachmentPath(t.ctx.paths.attachments, row.sha256));

    const file = await t.app.inject({ method: 'GET', url: up.body.attachment.url, headers: { cookie: agent.cookie } });
    expect(file.statusCode).toBe(404);
    expect(file.json<{ error: { code: string; message: string } }>().error).toMatchObject({
      code: 'attachment_file_missing',
      message: expect.stringMatching(/lost\.txt/),
    });
  });
});
