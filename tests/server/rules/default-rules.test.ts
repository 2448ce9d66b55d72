import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.js';
import { configFromObject } from '../../../server/config/load.js';
import { createContext } from '../../../server/context.js';
import { intake } from '../../../server/intake/intake.js';
import { createLogger } from '../../../server/logger.js';
import { ensureFirstAdmin } from '../../../server/modules/agents/first-run.js';
import type { RuleView } from '../../../server/modules/rules/schemas.js';
import { createTestApp, tempDir, TEST_PASSWORD, type TestApp } from '../../helpers/app.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function testApp(): Promise<TestApp> {
  const t = await createTestApp({ channels: { email: [{ name: 'support', address: 'support@example.com', smtp: { host: '127.0.0.1', port: 2525, security: 'none' } }] } });
  closers.push(() => t.close());
  return t;
}

const rulesOf = async (t: Pick<TestApp, 'app'>, headers: Record<string, string>): Promise<RuleView[]> =>
  (await t.app.inject({ method: 'GET', url: '/api/v1/rules', headers })).json<{ items: RuleView[] }>().items;

describe('the default rule', () => {
  it('ships disabled: outside the default business hours, an automatic reply on a new ticket', async () => {
    const t = await testApp();
    const rules = await rulesOf(t, t.admin.headers);
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      name: 'Outside business hours: automatic reply',
      event: 'ticket.created',
      enabled: false,
      broken: null,
      conditions: { all: [{ field: 'business_hours', op: 'outside', value: null }] },
      actions: [{ type: 'auto_reply', text: expect.stringContaining('outside our business hours') }],
    });
  });

  it('once turned on, answers a new ticket while the first (default) calendar is closed', async () => {
    const t = await testApp();
    const [rule] = await rulesOf(t, t.admin.headers);
    // One minute a week: closed at any moment a test may run.
    const cal = await t.app.inject({
      method: 'POST',
      url: '/api/v1/business-hours',
      headers: t.admin.headers,
      payload: { name: 'Office', timezone: 'Asia/Shanghai', weekly: { mon: [{ from: '03:00', to: '03:01' }] }, holidays: [], extraWorkdays: [] },
    });
    expect(cal.statusCode, cal.body).toBe(201);
    const on = await t.app.inject({ method: 'PATCH', url: `/api/v1/rules/${rule?.id}`, headers: t.admin.headers, payload: { version: rule?.version, enabled: true } });
    expect(on.statusCode, on.body).toBe(200);

    const { ticketId } = await intake(t.ctx, {
      channel: { kind: 'email', name: 'support' },
      sender: { identity: { kind: 'email', value: 'late@example.org' } },
      subject: 'Late question',
      text: 'Are you there?',
      idempotencyKey: '<late-1@example.org>',
    });
    await t.ctx.automation.idle();
    const detail = (await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${ticketId}`, headers: t.admin.headers })).json<{ messages: Array<{ kind: string; text: string }> }>();
    expect(detail.messages.filter((m) => m.kind === 'outbound').map((m) => m.text)).toEqual([rule?.actions[0]?.type === 'auto_reply' ? rule.actions[0].text : '']);
  });

  it('is not made again once an admin deleted it, whoever is created next', async () => {
    const t = await testApp();
    const [rule] = await rulesOf(t, t.admin.headers);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/rules/${rule?.id}`, headers: t.admin.headers })).statusCode).toBe(204);
    await t.signIn('admin');
    await t.signIn('agent');
    expect(await rulesOf(t, t.admin.headers)).toEqual([]);
  });

  it('is written in the language the first admin chose at setup', async () => {
    const dataDir = tempDir();
    const ctx = await createContext(configFromObject({ data_dir: dataDir, log: { level: 'silent' } }), createLogger('silent', { pretty: false }));
    const app = await buildApp(ctx, { webRoot: null });
    closers.push(async () => {
      await app.close();
      await ctx.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    const { setupUrl } = await ensureFirstAdmin(ctx);
    const token = new URL(setupUrl ?? '').searchParams.get('token');
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/setup',
      payload: { token, email: 'lin@example.test', name: '林', password: TEST_PASSWORD, language: 'zh-TW' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'kefu_session');
    const rules = await rulesOf({ app }, { cookie: `kefu_session=${cookie?.value ?? ''}` });
    expect(rules.map((r) => r.name)).toEqual(['非營業時間自動回覆']);
    expect(rules[0]?.actions[0]).toMatchObject({ type: 'auto_reply', text: expect.stringContaining('非營業時間') });
  });
});
