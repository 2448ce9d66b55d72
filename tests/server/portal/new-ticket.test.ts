import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { ingestRawEmail } from '../../../server/channels/email/ingest.js';
import type { EmailChannelConfig } from '../../../server/channels/email/config-schema.js';
import { startMailDesk, type MailDesk } from '../../helpers/mail-desk.js';
import { buildMail } from '../channels/email/mail-builder.js';
import { followSignInLink, form, multipart, nonceIn, signInLinkTo } from './helpers.js';

let desk: MailDesk;
const inject = (opts: InjectOptions) => desk.t.app.inject(opts);
const ticketCount = async () => (await desk.t.ctx.db.selectFrom('tickets').select('id').execute()).length;

beforeAll(async () => {
  desk = await startMailDesk([{ name: 'support', address: 'support@example.com' }], { config: { server: { public_url: 'https://help.example.com' } } });
  await ingestRawEmail(desk.t.ctx, desk.t.config.channels.email[0] as EmailChannelConfig, buildMail({ from: 'Ann <ann@example.org>', subject: 'Ann earlier question' }));
});
afterAll(async () => {
  await desk?.close();
});

async function fileSignedOut(fields: Record<string, string>, ip: string) {
  const page = await inject({ method: 'GET', url: '/help/tickets/new' });
  const body = multipart({ nonce: nonceIn(page.body), website: '', ...fields }, [{ name: 'photo.png', type: 'image/png', content: Buffer.from('png-bytes') }]);
  return inject({ method: 'POST', url: '/help/tickets/new', remoteAddress: ip, headers: body.headers, payload: body.payload });
}

describe('new ticket by web form', () => {
  it('asks a signed-out visitor for name and email, with a hidden honeypot and no script', async () => {
    const res = await inject({ method: 'GET', url: '/help/tickets/new' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('name="name"');
    expect(res.body).toContain('name="email"');
    expect(res.body).toContain('class="hp" aria-hidden="true"');
    expect(res.body).toContain('enctype="multipart/form-data"');
    expect(res.body).not.toContain('<script');
  });

  it('files the ticket under an unverified claim and mails a sign-in link that proves it', async () => {
    const res = await fileSignedOut({ name: 'Carol', email: 'carol@example.org', subject: 'Refund please', text: 'I was charged twice.' }, '10.2.0.1');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data-portal="created"');
    const ticket = await desk.t.ctx.db.selectFrom('tickets').selectAll().where('subject', '=', 'Refund please').executeTakeFirstOrThrow();
    const contact = await desk.t.ctx.db.selectFrom('contacts').selectAll().where('id', '=', ticket.contact_id).executeTakeFirstOrThrow();
    expect(contact).toMatchObject({ name: 'Carol', email: 'carol@example.org', email_verified: 0 });
    const files = await desk.t.ctx.db.selectFrom('attachments').select('name').execute();
    expect(files.map((f) => f.name)).toContain('photo.png');

    const { path } = await signInLinkTo(desk, 'carol@example.org');
    const { cookie } = await followSignInLink(desk.t.app, path);
    const list = await inject({ method: 'GET', url: '/help/tickets', headers: { cookie } });
    expect(list.body).toContain('Refund please');
    const proven = await desk.t.ctx.db.selectFrom('contacts').selectAll().where('id', '=', ticket.contact_id).executeTakeFirstOrThrow();
    expect(proven.email_verified).toBe(1);
  });

  it('never shows a known customer’s history to someone who typed their address', async () => {
    const res = await fileSignedOut({ name: 'Mallory', email: 'ann@example.org', subject: 'Show me Ann', text: 'hello' }, '10.2.0.2');
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('Ann earlier question');
    const ticket = await desk.t.ctx.db.selectFrom('tickets').selectAll().where('subject', '=', 'Show me Ann').executeTakeFirstOrThrow();
    const ann = await desk.t.ctx.db.selectFrom('tickets').select('contact_id').where('subject', '=', 'Ann earlier question').executeTakeFirstOrThrow();
    expect(ticket.contact_id).not.toBe(ann.contact_id);
    // Ann herself follows the link the form mailed her: the ticket joins her own.
    const { path } = await signInLinkTo(desk, 'ann@example.org');
    const { cookie } = await followSignInLink(desk.t.app, path);
    const list = await inject({ method: 'GET', url: '/help/tickets', headers: { cookie } });
    expect(list.body).toContain('Ann earlier question');
    expect(list.body).toContain('Show me Ann');
  });

  it('thanks a bot that filled the honeypot and stores nothing', async () => {
    const before = await ticketCount();
    const res = await fileSignedOut({ name: 'Bot', email: 'bot@example.org', subject: 'Cheap pills', text: 'buy', website: 'http://spam.example' }, '10.2.0.3');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data-portal="received"');
    expect(await ticketCount()).toBe(before);
  });

  it('limits new tickets per IP', async () => {
    const before = await ticketCount();
    for (let i = 0; i < 5; i++) {
      const ok = await inject({ method: 'POST', url: '/help/tickets/new', remoteAddress: '10.2.0.9', ...form({ nonce: `n${i}`, name: 'Dan', email: `dan${i}@example.org`, subject: `Q${i}`, text: 'hi' }) });
      expect(ok.statusCode).toBe(200);
    }
    const limited = await inject({ method: 'POST', url: '/help/tickets/new', remoteAddress: '10.2.0.9', ...form({ nonce: 'n9', name: 'Dan', email: 'dan9@example.org', subject: 'Q9', text: 'hi' }) });
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('Too many attempts');
    expect(await ticketCount()).toBe(before + 5);
  });

  it('asks again for an empty message or a bad address, keeping what was typed', async () => {
    const res = await inject({ method: 'POST', url: '/help/tickets/new', remoteAddress: '10.2.0.10', ...form({ nonce: 'e1', name: 'Eve', email: 'nope', subject: 'Keep me', text: 'typed text' }) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('value="Keep me"');
    expect(res.body).toContain('typed text');
  });
});
