import { rmSync } from 'node:fs';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../server/app.js';
import { configFromObject } from '../../../../server/config/load.js';
import { createContext } from '../../../../server/context.js';
import { createLogger } from '../../../../server/logger.js';
import { createTestApp, type Session, type TestApp } from '../../../helpers/app.js';
import { PAGE, widgetConfig } from '../../channels/widget/helpers.js';

const nine = [{ from: '09:00', to: '18:00' }];
const valid = {
  name: 'Shanghai office',
  timezone: 'Asia/Shanghai',
  weekly: { mon: nine, tue: nine, wed: nine, thu: nine, fri: nine },
  holidays: [{ date: '2026-10-01', name: '国庆节' }],
  extraWorkdays: [{ date: '2026-10-10', hours: nine }],
};
const allDay = [{ from: '00:00', to: '24:00' }];
const alwaysOpen = { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay };

describe('business-hours API', () => {
  let t: TestApp;
  let supervisor: Session;
  let agent: Session;
  beforeAll(async () => {
    t = await createTestApp();
    supervisor = await t.signIn('supervisor');
    agent = await t.signIn('agent');
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (payload: InjectOptions['payload'], who: Session = t.admin) => t.app.inject({ method: 'POST', url: '/api/v1/business-hours', headers: who.headers, payload });

  it('creates, reads, lists, updates and deletes a calendar, auditing each change', async () => {
    const created = await post(valid);
    expect(created.statusCode).toBe(201);
    const { businessHours } = created.json<{ businessHours: { id: number } & typeof valid }>();
    expect(businessHours).toMatchObject(valid);

    const one = await t.app.inject({ method: 'GET', url: `/api/v1/business-hours/${businessHours.id}`, headers: supervisor.headers });
    expect(one.json()).toMatchObject({ businessHours: { name: 'Shanghai office', holidays: [{ date: '2026-10-01', name: '国庆节' }] } });
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/business-hours', headers: supervisor.headers });
    expect(list.json<{ items: Array<{ id: number }> }>().items.map((c) => c.id)).toContain(businessHours.id);

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/business-hours/${businessHours.id}`,
      headers: t.admin.headers,
      payload: { name: 'Shanghai HQ', weekly: { sat: [{ from: '22:00', to: '06:00' }] } },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ businessHours: { name: 'Shanghai HQ', weekly: { sat: [{ from: '22:00', to: '06:00' }] }, holidays: valid.holidays } });

    const gone = await t.app.inject({ method: 'DELETE', url: `/api/v1/business-hours/${businessHours.id}`, headers: t.admin.headers });
    expect(gone.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: `/api/v1/business-hours/${businessHours.id}`, headers: t.admin.headers });
    expect(after.statusCode).toBe(404);

    const actions = await t.ctx.db.selectFrom('audit_log').select('action').where('entity_kind', '=', 'business_hours').orderBy('id').execute();
    expect(actions.map((a) => a.action)).toEqual(['business_hours.created', 'business_hours.updated', 'business_hours.deleted']);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown time zone', { timezone: 'Asia/Atlantis' }, 'timezone'],
    ['no working hours at all', { weekly: {}, extraWorkdays: [] }, 'weekly'],
    ['overlapping ranges', { weekly: { mon: [{ from: '09:00', to: '13:00' }, { from: '12:00', to: '18:00' }] } }, 'weekly.mon'],
    ['a malformed time', { weekly: { mon: [{ from: '9am', to: '18:00' }] } }, 'weekly.mon[0].from'],
    ['an impossible time', { weekly: { mon: [{ from: '09:00', to: '25:00' }] } }, 'weekly.mon[0].to'],
    ['a malformed date', { holidays: [{ date: '1 Oct 2026' }] }, 'holidays[0].date'],
    ['an impossible date', { holidays: [{ date: '2026-02-30' }] }, 'holidays[0].date'],
    ['an unknown weekday', { weekly: { mon: nine, funday: nine } }, 'weekly.funday'],
    ['a missing name', { name: undefined }, 'name'],
  ])('refuses %s with 400 naming %s', async (_what, change, field) => {
    const res = await post({ ...valid, name: `bad ${field}`, ...change });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { details?: { field?: string } } }>().error.details?.field).toBe(field);
  });

  it('refuses a PATCH that would leave no working hours, naming the field', async () => {
    const { businessHours } = (await post({ ...valid, name: 'patch me' })).json<{ businessHours: { id: number } }>();
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/business-hours/${businessHours.id}`,
      headers: t.admin.headers,
      payload: { weekly: {}, extraWorkdays: [] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { details: { field: 'weekly' } } });
  });

  it('refuses a second calendar with the same name', async () => {
    await post({ ...valid, name: 'Twice' });
    const res = await post({ ...valid, name: 'twice' });
    expect(res.statusCode).toBe(409);
  });

  it('is documented at /api/docs/json with its request schema', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json<{ paths: Record<string, Record<string, { requestBody?: unknown }>> }>();
    expect(Object.keys(doc.paths['/api/v1/business-hours'] ?? {})).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(doc.paths['/api/v1/business-hours/{id}'] ?? {})).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
    expect(JSON.stringify(doc.paths['/api/v1/business-hours']?.post?.requestBody)).toContain('extraWorkdays');
  });

  it('lets supervisors read but not write, and agents neither', async () => {
    expect((await post({ ...valid, name: 'by supervisor' }, supervisor)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/business-hours', headers: agent.headers })).statusCode).toBe(403);
  });
});

describe('a widget channel on a shared calendar', () => {
  it('follows the calendar, sees its edits, and keeps it from being deleted', async () => {
    const first = await createTestApp();
    const dataDir = first.dataDir;
    const res = await first.app.inject({
      method: 'POST',
      url: '/api/v1/business-hours',
      headers: first.admin.headers,
      // Open only on a day long past: closed whatever the clock says.
      payload: { name: 'Closed', timezone: 'UTC', weekly: {}, extraWorkdays: [{ date: '2020-01-01', hours: nine }] },
    });
    const id = res.json<{ businessHours: { id: number } }>().businessHours.id;
    await first.app.close();
    await first.ctx.close();

    const config = configFromObject({
      data_dir: dataDir,
      // The same database again, whichever driver the suite runs on.
      database: first.config.database,
      log: { level: 'silent' },
      channels: { widget: [widgetConfig({ offline_when_no_agent: false, business_hours: { calendar: id } })] },
    });
    const ctx = await createContext(config, createLogger('silent', { pretty: false }));
    const app = await buildApp(ctx, { webRoot: null });
    try {
      const online = async () =>
        (await app.inject({ method: 'GET', url: '/api/v1/widget/website/config', headers: { origin: PAGE } })).json<{ online: boolean }>().online;
      expect(await online()).toBe(false);

      const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'admin@example.test', password: 'correct horse battery' } });
      const cookie = `kefu_session=${login.cookies.find((c) => c.name === 'kefu_session')?.value ?? ''}`;
      const headers = { cookie, 'x-csrf-token': login.json<{ csrfToken: string }>().csrfToken };
      const patch = await app.inject({ method: 'PATCH', url: `/api/v1/business-hours/${id}`, headers, payload: { weekly: alwaysOpen } });
      expect(patch.statusCode).toBe(200);
      expect(await online()).toBe(true);

      const refused = await app.inject({ method: 'DELETE', url: `/api/v1/business-hours/${id}`, headers });
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ error: { code: 'in_use', details: { usedBy: [{ kind: 'widget channel', name: 'website' }] } } });
    } finally {
      await app.close();
      await ctx.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('stops start-up when a widget names a calendar that does not exist', async () => {
    const dataDir = (await import('../../../helpers/app.js')).tempDir();
    const config = configFromObject({
      data_dir: dataDir,
      log: { level: 'silent' },
      channels: { widget: [widgetConfig({ business_hours: { calendar: 42 } })] },
    });
    const ctx = await createContext(config, createLogger('silent', { pretty: false }));
    try {
      await expect(buildApp(ctx, { webRoot: null })).rejects.toThrow('channels.widget[0].business_hours.calendar: no business-hours calendar with id 42');
    } finally {
      await ctx.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
