import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { ingestRawEmail } from '../../../server/channels/email/ingest.js';
import type { EmailChannelConfig } from '../../../server/channels/email/config-schema.js';
import { intake } from '../../../server/intake/intake.js';
import { startMailDesk, type MailDesk } from '../../helpers/mail-desk.js';
import { buildMail } from '../channels/email/mail-builder.js';
import { csrfIn, followSignInLink, form, multipart, nonceIn, signInLinkTo } from './helpers.js';

let desk: MailDesk;
let annTicket: number;
let annNumber: number;
let bobNumber: number;
let chatNumber: number;
let cookie = '';

const inject = (opts: InjectOptions) => desk.t.app.inject(opts);
const api = (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
  inject({ method, url: `/api/v1${url}`, headers: desk.t.admin.headers, ...(payload ? { payload } : {}) });
const asAnn = (url: string) => inject({ method: 'GET', url, headers: { cookie } });

async function signIn(email: string, ip: string): Promise<string> {
  await inject({ method: 'POST', url: '/help/tickets/login', remoteAddress: ip, ...form({ email }) });
  const { path } = await signInLinkTo(desk, email);
  return (await followSignInLink(desk.t.app, path)).cookie;
}

beforeAll(async () => {
  desk = await startMailDesk([{ name: 'support', address: 'support@example.com' }], { config: { server: { public_url: 'https://help.example.com' } } });
  const box = desk.t.config.channels.email[0] as EmailChannelConfig;
  const ann = await ingestRawEmail(desk.t.ctx, box, buildMail({ from: 'Ann <ann@example.org>', subject: 'Broken kettle' }));
  const bob = await ingestRawEmail(desk.t.ctx, box, buildMail({ from: 'Bob <bob@example.org>', subject: 'Bob private matter' }));
  annTicket = ann.ticketId ?? 0;
  annNumber = (await desk.t.ctx.db.selectFrom('tickets').select('number').where('id', '=', annTicket).executeTakeFirstOrThrow()).number;
  bobNumber = (await desk.t.ctx.db.selectFrom('tickets').select('number').where('id', '=', bob.ticketId ?? 0).executeTakeFirstOrThrow()).number;
  // A chat of Ann's, from a widget that knew her verified address: the same contact.
  const chat = await intake(desk.t.ctx, {
    channel: { kind: 'widget', name: 'site' },
    sender: { identity: { kind: 'widget', value: 'visitor-ann' }, alsoKnownAs: [{ kind: 'email', value: 'ann@example.org' }] },
    thread: { key: 'conv-1' },
    text: 'Chat about delivery',
    idempotencyKey: 'w-1',
  });
  chatNumber = chat.ticketNumber;
  await api('POST', `/tickets/${annTicket}/messages`, { kind: 'note', text: 'INTERNAL: customer is grumpy' });
  await api('POST', `/tickets/${annTicket}/messages`, { kind: 'reply', text: 'We are sending a new kettle.' });
  cookie = await signIn('ann@example.org', '10.1.0.1');
});
afterAll(async () => {
  await desk?.close();
});

describe('portal tickets', () => {
  it('lists every ticket of the contact across channels with status and channel, and no one else’s', async () => {
    const res = await asAnn('/help/tickets');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`data-ticket="${annNumber}"`);
    expect(res.body).toContain(`data-ticket="${chatNumber}"`);
    expect(res.body).toContain('Chat about delivery');
    expect(res.body).toContain('>Chat<');
    expect(res.body).toContain('>Email<');
    expect(res.body).toContain('class="status open"');
    expect(res.body).not.toContain('Bob private matter');
  });

  it('shows public messages of a ticket, never internal notes', async () => {
    const res = await asAnn(`/help/tickets/${annNumber}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('We are sending a new kettle.');
    expect(res.body).not.toContain('INTERNAL');
    expect(res.body).not.toContain('grumpy');
  });

  it('answers 404 for another contact’s ticket and for one that does not exist', async () => {
    expect((await asAnn(`/help/tickets/${bobNumber}`)).statusCode).toBe(404);
    expect((await asAnn('/help/tickets/999999')).statusCode).toBe(404);
    const post = await inject({ method: 'POST', url: `/help/tickets/${bobNumber}/reply`, ...form({ text: 'hi', csrf: 'x', nonce: 'n' }, { cookie }) });
    expect(post.statusCode).toBe(404);
  });

  it('sends a signed-out visitor of a ticket page to the sign-in form', async () => {
    const res = await inject({ method: 'GET', url: `/help/tickets/${annNumber}` });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/help/tickets');
  });

  it('lands a reply with a file on the ticket like an email would, once per form, downloadable by its owner only', async () => {
    const page = await asAnn(`/help/tickets/${annNumber}`);
    const fields = { csrf: csrfIn(page.body), nonce: nonceIn(page.body), text: 'Thanks! Here is the receipt.' };
    const body = multipart(fields, [{ name: 'receipt.txt', type: 'text/plain', content: Buffer.from('paid 20 EUR') }]);
    const res = await inject({ method: 'POST', url: `/help/tickets/${annNumber}/reply`, headers: { ...body.headers, cookie }, payload: body.payload });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/help/tickets/${annNumber}?sent=1#reply`);
    // The same form sent twice (a double click) stores one message.
    await inject({ method: 'POST', url: `/help/tickets/${annNumber}/reply`, headers: { ...body.headers, cookie }, payload: body.payload });

    const messages = await api('GET', `/tickets/${annTicket}/messages`);
    const list = messages.json<{ items: Array<{ kind: string; text: string; author: { kind: string }; attachments: Array<{ name: string }> }> }>().items;
    const replies = list.filter((m) => m.text === 'Thanks! Here is the receipt.');
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ kind: 'inbound', author: { kind: 'contact' }, attachments: [{ name: 'receipt.txt' }] });

    const after = await asAnn(`/help/tickets/${annNumber}?sent=1`);
    expect(after.body).toContain('Your reply was added to the ticket.');
    const href = /href="(\/help\/tickets\/files\/[^"]+)"/.exec(after.body)?.[1] ?? '';
    const file = await asAnn(href);
    expect(file.statusCode).toBe(200);
    expect(file.body).toBe('paid 20 EUR');
    expect(file.headers['content-disposition']).toContain('attachment');
    expect((await inject({ method: 'GET', url: href })).statusCode).toBe(404);
    const bobCookie = await signIn('bob@example.org', '10.1.0.2');
    expect((await inject({ method: 'GET', url: href, headers: { cookie: bobCookie } })).statusCode).toBe(404);
  });

  it('refuses a reply without the session’s CSRF token and stores nothing', async () => {
    const before = await api('GET', `/tickets/${annTicket}/messages`);
    const res = await inject({ method: 'POST', url: `/help/tickets/${annNumber}/reply`, ...form({ text: 'forged', nonce: 'f1', csrf: 'wrong' }, { cookie }) });
    expect(res.statusCode).toBe(403);
    const after = await api('GET', `/tickets/${annTicket}/messages`);
    expect(after.json<{ items: unknown[] }>().items.length).toBe(before.json<{ items: unknown[] }>().items.length);
  });

  it('mails an agent’s answer on a portal ticket to the contact’s verified address', async () => {
    const page = await asAnn('/help/tickets/new');
    const res = await inject({
      method: 'POST',
      url: '/help/tickets/new',
      ...form({ csrf: csrfIn(page.body), nonce: nonceIn(page.body), subject: 'Where is my order?', text: 'Order 77 has not arrived.', website: '' }, { cookie }),
    });
    expect(res.statusCode).toBe(303);
    const number = Number(/\/help\/tickets\/(\d+)$/.exec(res.headers.location ?? '')?.[1]);
    const ticket = await desk.t.ctx.db.selectFrom('tickets').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
    expect(ticket).toMatchObject({ subject: 'Where is my order?', channel_kind: 'email', channel_name: 'support' });
    const before = desk.sink.messages.length;
    const sent = await api('POST', `/tickets/${ticket.id}/messages`, { kind: 'reply', text: 'It ships today.' });
    expect(sent.statusCode).toBe(201);
    const mails = await desk.deliver(before + 1);
    expect(mails.slice(before).some((m) => m.to.includes('ann@example.org') && m.raw.toString().includes('It ships today.'))).toBe(true);
  });

  it('signs out with the session’s token', async () => {
    const page = await asAnn('/help/tickets');
    const res = await inject({ method: 'POST', url: '/help/tickets/logout', ...form({ csrf: csrfIn(page.body) }, { cookie }) });
    expect(res.statusCode).toBe(303);
    const gone = await asAnn('/help/tickets');
    expect(gone.body).toContain('action="/help/tickets/login"');
  });
});
