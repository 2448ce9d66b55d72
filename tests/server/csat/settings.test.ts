import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { csatIdle } from '../../../server/modules/csat/schedule.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const settings = (headers: Record<string, string>, csat?: Record<string, unknown>) =>
  t.app.inject({ method: csat ? 'PATCH' : 'GET', url: '/api/v1/csat/settings', headers, ...(csat ? { payload: { csat } } : {}) });

async function resolvedTicket(): Promise<number> {
  const contact = await t.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: t.admin.headers, payload: { name: 'Pat', email: `pat${Date.now()}@example.org` } });
  const contactId = contact.json<{ contact: { id: number } }>().contact.id;
  const made = await t.app.inject({ method: 'POST', url: '/api/v1/tickets', headers: t.admin.headers, payload: { contactId, subject: 'Printer', text: 'It jams.' } });
  expect(made.statusCode, made.body).toBe(201);
  const id = made.json<{ ticket: { id: number } }>().ticket.id;
  await t.app.inject({ method: 'PATCH', url: `/api/v1/tickets/${id}`, headers: t.admin.headers, payload: { status: 'resolved' } });
  await csatIdle(t.ctx);
  return id;
}

const surveyOf = (id: number) => t.ctx.db.selectFrom('csat_surveys').select('status').where('ticket_id', '=', id).executeTakeFirst();

describe('CSAT settings', () => {
  it('are off by default, for email, an hour after resolving, on a 1–5 scale', async () => {
    const res = await settings(t.admin.headers);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ csat: { enabled: false, delayMinutes: 60, scale: '1-5', channels: ['email'], questions: {} } });
  });

  it('schedule no survey while off', async () => {
    expect(await surveyOf(await resolvedTicket())).toBeUndefined();
  });

  it('are changed by a supervisor, audited, and refused to an agent or a bad value', async () => {
    const supervisor = await t.signIn('supervisor');
    const agent = await t.signIn('agent');
    const patch = { enabled: true, delayMinutes: 15, scale: 'faces', questions: { 'zh-CN': '这次服务您满意吗？', en: '' } };
    const res = await settings(supervisor.headers, patch);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ csat: { enabled: true, delayMinutes: 15, scale: 'faces', channels: ['email'], questions: { 'zh-CN': '这次服务您满意吗？' } } });
    expect((await settings(agent.headers)).statusCode).toBe(200);
    expect((await settings(agent.headers, { enabled: false })).statusCode).toBe(403);
    for (const bad of [{ scale: '1-10' }, { delayMinutes: -1 }, { questions: { fr: 'Ça va ?' } }, { unknown: true }]) {
      const r = await settings(t.admin.headers, bad);
      expect(r.statusCode, JSON.stringify(bad)).toBe(400);
    }
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'csat_settings.updated').execute();
    expect(audit).toHaveLength(1);
  });

  it('once on, schedule a survey for a resolved ticket of a surveyed channel only', async () => {
    const id = await resolvedTicket();
    const channel = await t.ctx.db.selectFrom('tickets').select('channel_kind').where('id', '=', id).executeTakeFirstOrThrow();
    expect(await surveyOf(id)).toBeUndefined();
    expect((await settings(t.admin.headers, { channels: ['email', channel.channel_kind] })).statusCode).toBe(200);
    expect(await surveyOf(await resolvedTicket())).toEqual({ status: 'scheduled' });
  });
});
