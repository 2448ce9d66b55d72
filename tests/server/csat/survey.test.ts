import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestRawEmail } from '../../../server/channels/email/ingest.js';
import type { EmailChannelConfig } from '../../../server/channels/email/config-schema.js';
import { createContext } from '../../../server/context.js';
import { createLogger } from '../../../server/logger.js';
import { csatIdle } from '../../../server/modules/csat/schedule.js';
import { sendDueSurveys } from '../../../server/modules/csat/send.js';
import type { CsatReceived } from '../../../server/realtime/events.js';
import { startMailDesk, type MailDesk } from '../../helpers/mail-desk.js';
import { buildMail } from '../channels/email/mail-builder.js';

let desk: MailDesk;
const received: CsatReceived[] = [];
const HOUR = 3_600_000;

beforeAll(async () => {
  desk = await startMailDesk([{ name: 'support', address: 'support@example.com' }], { config: { server: { public_url: 'https://help.example.com' } } });
  desk.t.ctx.bus.on('csat.received', (e) => {
    received.push(e);
  });
  const res = await desk.t.app.inject({ method: 'PATCH', url: '/api/v1/csat/settings', headers: desk.t.admin.headers, payload: { csat: { enabled: true, delayMinutes: 60 } } });
  expect(res.statusCode, res.body).toBe(200);
});
afterAll(async () => {
  await desk?.close();
});

const channel = () => desk.t.config.channels.email[0] as EmailChannelConfig;
const api = (method: 'GET' | 'PATCH', url: string, payload?: Record<string, unknown>) => desk.t.app.inject({ method, url, headers: desk.t.admin.headers, ...(payload ? { payload } : {}) });

async function ticketFrom(from: string, subject: string, headers: Record<string, string> = {}): Promise<number> {
  const r = await ingestRawEmail(desk.t.ctx, channel(), buildMail({ from, subject, headers }));
  return r.ticketId ?? 0;
}

async function setStatus(id: number, status: string): Promise<void> {
  const res = await api('PATCH', `/api/v1/tickets/${id}`, { status });
  expect(res.statusCode, res.body).toBe(200);
  await csatIdle(desk.t.ctx);
}

const surveyOf = (ticketId: number) => desk.t.ctx.db.selectFrom('csat_surveys').selectAll().where('ticket_id', '=', ticketId).executeTakeFirst();
const ratingsOf = (ticketId: number) => desk.t.ctx.db.selectFrom('csat_ratings').selectAll().where('ticket_id', '=', ticketId).execute();

/** The survey mail to `address` (delivering the outbox until it arrives), with its links, score → path. */
async function surveyMailTo(address: string): Promise<{ subject: string; text: string; links: Map<number, string> }> {
  const queued = await desk.t.ctx.db.selectFrom('outbox').select('id').where('kind', '=', 'email').execute();
  const mails = await desk.deliver(queued.length);
  const raw = mails.find((m) => m.to.includes(address))?.raw;
  if (!raw) throw new Error(`no mail to ${address}`);
  const parsed = await simpleParser(raw);
  const text = parsed.text ?? '';
  const links = new Map<number, string>();
  for (const m of text.matchAll(/https:\/\/help\.example\.com(\/csat\/[^\s?]+\?score=(\d))/g)) links.set(Number(m[2]), m[1] ?? '');
  return { subject: parsed.subject ?? '', text, links };
}

describe('CSAT surveys by email', () => {
  it('mails the survey once the delay after resolving passed, records the first click and announces it', async () => {
    const id = await ticketFrom('Ann <ann@example.org>', 'Broken kettle');
    await setStatus(id, 'resolved');
    expect((await surveyOf(id))?.status).toBe('scheduled');
    // Not yet due: nothing leaves.
    expect(await sendDueSurveys(desk.t.ctx, Date.now() + 30 * 60_000)).toEqual({ sent: 0, skipped: 0 });
    expect(await sendDueSurveys(desk.t.ctx, Date.now() + HOUR + 60_000)).toEqual({ sent: 1, skipped: 0 });

    const mail = await surveyMailTo('ann@example.org');
    expect(mail.subject).toMatch(/How did we do\? \[#\d+\]/);
    expect(mail.text).toContain('Broken kettle');
    expect([...mail.links.keys()]).toEqual([5, 4, 3, 2, 1]);

    const first = await desk.t.app.inject({ method: 'GET', url: mail.links.get(4) ?? '' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toContain('text/html');
    expect(first.body).toContain('data-csat-state="recorded"');
    expect(first.body).toContain('name="viewport"');
    const ratings = await ratingsOf(id);
    expect(ratings).toMatchObject([{ score: 4, source: 'email', scale: '1-5', comment: null }]);
    expect(received.filter((e) => e.ticketId === id)).toMatchObject([{ score: 4, scale: '1-5', source: 'email', comment: null }]);

    // A second click, or a scanner fetching another link: the first rating stands.
    const second = await desk.t.app.inject({ method: 'GET', url: mail.links.get(1) ?? '' });
    expect(second.statusCode).toBe(200);
    expect(second.body).toContain('data-csat-state="already"');
    expect(second.body).toContain('4 – Good');
    expect(await ratingsOf(id)).toHaveLength(1);
    expect(received.filter((e) => e.ticketId === id)).toHaveLength(1);

    // The comment, once; then the form is gone. Too long a comment is refused and kept out.
    const path = (mail.links.get(4) ?? '').split('?')[0] ?? '';
    const long = await desk.t.app.inject({ method: 'POST', url: `${path}/comment`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `comment=${'x'.repeat(1001)}` });
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('<form');
    expect((await ratingsOf(id))[0]?.comment).toBeNull();
    const comment = await desk.t.app.inject({ method: 'POST', url: `${path}/comment`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'comment=Quick+and+kind' });
    expect(comment.statusCode).toBe(200);
    expect(comment.body).toContain('data-csat-state="commented"');
    expect(comment.body).not.toContain('<form');
    expect((await ratingsOf(id))[0]?.comment).toBe('Quick and kind');
    expect(received.filter((e) => e.ticketId === id).map((e) => e.comment)).toEqual([null, 'Quick and kind']);

    const detail = await api('GET', `/api/v1/tickets/${id}`);
    const body = detail.json<{ csat: Record<string, unknown> | null; messages: Array<{ kind: string; text: string }> }>();
    expect(body.csat).toMatchObject({ score: 4, scale: '1-5', source: 'email', comment: 'Quick and kind' });
    expect(typeof body.csat?.ratedAt).toBe('string');
    expect(body.messages.filter((m) => m.kind === 'system').map((m) => m.text)).toEqual(['Customer rated 4/5', 'Customer rated 4/5: Quick and kind']);

    // A later run sends nothing more.
    expect(await sendDueSurveys(desk.t.ctx, Date.now() + 3 * HOUR)).toEqual({ sent: 0, skipped: 0 });
  });

  it('answers a forged, tampered or unknown link with a clear page and records nothing', async () => {
    const id = await ticketFrom('Bo <bo@example.org>', 'Forged');
    await setStatus(id, 'resolved');
    await sendDueSurveys(desk.t.ctx, Date.now() + 2 * HOUR);
    const mail = await surveyMailTo('bo@example.org');
    const good = mail.links.get(5) ?? '';
    const [pathPart = ''] = good.split('?');
    const tampered = `${pathPart.slice(0, -2)}${pathPart.endsWith('AA') ? 'BB' : 'AA'}?score=5`;
    const otherTicket = pathPart.replace(/\/csat\/\d+\./, `/csat/${id + 1000}.`) + '?score=5';
    for (const url of [tampered, otherTicket, '/csat/not-a-token?score=5']) {
      const res = await desk.t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.body).toContain('data-csat-error="forged"');
    }
    const invalid = await desk.t.app.inject({ method: 'GET', url: `${pathPart}?score=9` });
    expect(invalid.statusCode).toBe(400);
    expect(await ratingsOf(id)).toHaveLength(0);
  });

  it('answers an expired link with 410, and a link to an erased contact’s ticket with 404, its rating erased', async () => {
    const id = await ticketFrom('Gus <gus@example.org>', 'Old');
    await setStatus(id, 'resolved');
    await sendDueSurveys(desk.t.ctx, Date.now() + 2 * HOUR);
    const link = (await surveyMailTo('gus@example.org')).links.get(5) ?? '';
    expect((await desk.t.app.inject({ method: 'GET', url: link })).statusCode).toBe(200);
    await desk.t.app.inject({ method: 'POST', url: `${link.split('?')[0] ?? ''}/comment`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'comment=Call+me+on+555-0100' });
    expect(await ratingsOf(id)).toHaveLength(1);
    await desk.t.ctx.db.updateTable('csat_surveys').set({ sent_at: Date.now() - 31 * 86_400_000 }).where('ticket_id', '=', id).execute();
    const expired = await desk.t.app.inject({ method: 'GET', url: link });
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('data-csat-error="expired"');
    await desk.t.ctx.db.updateTable('csat_surveys').set({ sent_at: Date.now() }).where('ticket_id', '=', id).execute();
    const { contact_id } = await desk.t.ctx.db.selectFrom('tickets').select('contact_id').where('id', '=', id).executeTakeFirstOrThrow();
    expect((await desk.t.app.inject({ method: 'DELETE', url: `/api/v1/contacts/${contact_id}`, headers: desk.t.admin.headers })).statusCode).toBe(204);
    const gone = await desk.t.app.inject({ method: 'GET', url: link });
    expect(gone.statusCode).toBe(404);
    expect(gone.body).toContain('data-csat-error="notFound"');
    // Erasing the contact erases what they wrote in the survey too.
    expect(await ratingsOf(id)).toHaveLength(0);
  });

  it('sends no survey for a ticket reopened before the delay passed, and schedules it again on the next resolve', async () => {
    const id = await ticketFrom('Cy <cy@example.org>', 'Reopened');
    await setStatus(id, 'resolved');
    await setStatus(id, 'open');
    expect((await surveyOf(id))?.status).toBe('cancelled');
    expect((await sendDueSurveys(desk.t.ctx, Date.now() + 2 * HOUR)).sent).toBe(0);
    await setStatus(id, 'resolved');
    expect((await surveyOf(id))?.status).toBe('scheduled');
  });

  it('skips automatic senders and spam, and the contact without an address', async () => {
    const robot = await ticketFrom('Robot <noreply@example.org>', 'Out of office', { 'Auto-Submitted': 'auto-replied' });
    const spam = await ticketFrom('Spam <spam@example.org>', 'Win a prize');
    await desk.t.ctx.db.updateTable('tickets').set({ custom_fields: JSON.stringify({ spam: true }) }).where('id', '=', spam).execute();
    const noMail = await ticketFrom('Di <di@example.org>', 'Address erased');
    await setStatus(robot, 'resolved');
    await setStatus(spam, 'resolved');
    await setStatus(noMail, 'resolved');
    const contact = await desk.t.ctx.db.selectFrom('tickets').select('contact_id').where('id', '=', noMail).executeTakeFirstOrThrow();
    await desk.t.ctx.db.updateTable('contacts').set({ email: null }).where('id', '=', contact.contact_id).execute();
    const before = desk.sink.messages.length;
    // (This run also sends the survey of the ticket resolved again above: right, and not what this test looks at.)
    await sendDueSurveys(desk.t.ctx, Date.now() + 5 * HOUR);
    expect((await surveyOf(robot))).toMatchObject({ status: 'skipped', skip_reason: 'auto_submitted' });
    expect((await surveyOf(spam))).toMatchObject({ status: 'skipped', skip_reason: 'spam' });
    expect((await surveyOf(noMail))).toMatchObject({ status: 'skipped', skip_reason: 'no_email' });
    await desk.t.ctx.outbox.runOnce();
    const to = desk.sink.messages.slice(before).flatMap((m) => m.to);
    for (const address of ['noreply@example.org', 'spam@example.org', 'di@example.org']) expect(to).not.toContain(address);
  });

  it('skips a ticket merged into another before its survey went out, and one the customer already rated', async () => {
    const merged = await ticketFrom('Hu <hu@example.org>', 'Twice');
    const into = await ticketFrom('Hu <hu@example.org>', 'Twice again');
    await setStatus(merged, 'resolved');
    const res = await desk.t.app.inject({ method: 'POST', url: `/api/v1/tickets/${merged}/merge`, headers: desk.t.admin.headers, payload: { intoTicketId: into } });
    expect(res.statusCode, res.body).toBe(200);
    await csatIdle(desk.t.ctx);
    const rated = await ticketFrom('Ida <ida@example.org>', 'Rated already');
    await setStatus(rated, 'resolved');
    await desk.t.ctx.db.insertInto('csat_ratings').values({ ticket_id: rated, conversation_id: null, score: 5, comment: null, created_at: Date.now() }).execute();
    await sendDueSurveys(desk.t.ctx, Date.now() + 6 * HOUR);
    expect((await surveyOf(merged))?.status).toMatch(/cancelled|skipped/);
    expect(await surveyOf(rated)).toMatchObject({ status: 'skipped', skip_reason: 'already_rated' });
  });

  it('sends one mail when runs overlap, and none again from a restarted process', async () => {
    const id = await ticketFrom('Ed <ed@example.org>', 'Overlap');
    await setStatus(id, 'resolved');
    const at = Date.now() + 7 * HOUR;
    const runs = await Promise.all([sendDueSurveys(desk.t.ctx, at), sendDueSurveys(desk.t.ctx, at), sendDueSurveys(desk.t.ctx, at)]);
    expect(runs.reduce((n, r) => n + r.sent, 0)).toBe(1);
    // A second process on the same database file, as after a restart.
    const again = await createContext(desk.t.config, createLogger('silent', { pretty: false }));
    try {
      expect(await sendDueSurveys(again, at + HOUR)).toEqual({ sent: 0, skipped: 0 });
    } finally {
      await again.close();
    }
    const queued = await desk.t.ctx.db.selectFrom('outbox').select('payload').where('payload', 'like', '%ed@example.org%').execute();
    expect(queued).toHaveLength(1);
    expect((await surveyOf(id))?.status).toBe('sent');
  });

  it('speaks the contact’s language in the mail and on the page', async () => {
    const id = await ticketFrom('Fang <fang@example.org>', '退款问题');
    const contact = await desk.t.ctx.db.selectFrom('tickets').select('contact_id').where('id', '=', id).executeTakeFirstOrThrow();
    await desk.t.ctx.db.updateTable('contacts').set({ language: 'zh-CN' }).where('id', '=', contact.contact_id).execute();
    await setStatus(id, 'resolved');
    await sendDueSurveys(desk.t.ctx, Date.now() + 9 * HOUR);
    const mail = await surveyMailTo('fang@example.org');
    expect(mail.subject).toContain('您对我们的服务满意吗？');
    expect(mail.text).toContain('退款问题');
    const page = await desk.t.app.inject({ method: 'GET', url: mail.links.get(5) ?? '' });
    expect(page.body).toContain('<html lang="zh-CN"');
    expect(page.body).toContain('感谢您的评价！');
  });
});
