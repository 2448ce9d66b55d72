import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import { widgetApp } from '../channels/widget/helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await widgetApp();
});
afterAll(async () => {
  await t.close();
});

const url = '/api/v1/bot/settings/website';

describe('answer bot settings', () => {
  it('is off by default for every widget channel', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/bot/settings', headers: t.admin.headers });
    expect(res.json()).toEqual({ items: [{ channel: 'website', enabled: false, threshold: 0.6, maxOffers: 3, greetings: {} }] });
  });

  it('saves a change, audits it, and keeps what the change left out', async () => {
    const res = await t.app.inject({ method: 'PATCH', url, headers: t.admin.headers, payload: { enabled: true, greetings: { 'zh-CN': '您好，我是智能助手。' } } });
    expect(res.statusCode, res.body).toBe(200);
    await t.app.inject({ method: 'PATCH', url, headers: t.admin.headers, payload: { threshold: 0.8 } });
    const got = await t.app.inject({ method: 'GET', url, headers: t.admin.headers });
    expect(got.json()).toEqual({ bot: { channel: 'website', enabled: true, threshold: 0.8, maxOffers: 3, greetings: { 'zh-CN': '您好，我是智能助手。' } } });
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'bot.settings_updated').execute();
    expect(audit).toHaveLength(2);
  });

  it.each([{ maxOffers: 4 }, { maxOffers: 1 }, { threshold: 0 }, { threshold: 1.5 }, { greetings: { fr: 'Bonjour' } }, { enabled: 'yes' }])('refuses %j', async (payload) => {
    const res = await t.app.inject({ method: 'PATCH', url, headers: t.admin.headers, payload });
    expect(res.statusCode).toBe(400);
  });

  it('answers 404 for a channel that is not a widget, and 403 to an agent who may not change it', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/bot/settings/nope', headers: t.admin.headers })).statusCode).toBe(404);
    const agent = await t.signIn('agent');
    expect((await t.app.inject({ method: 'PATCH', url, headers: agent.headers, payload: { enabled: false } })).statusCode).toBe(403);
  });

  it('is documented at /api/docs/json, with the visitor’s bot endpoint', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json<{ paths: Record<string, Record<string, { requestBody?: unknown }>> }>();
    expect(doc.paths['/api/v1/bot/settings/{channel}']?.patch?.requestBody).toBeDefined();
    expect(doc.paths['/api/v1/widget/{channel}/bot']?.post?.requestBody).toBeDefined();
  });
});
