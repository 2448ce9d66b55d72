import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake } from '../../../server/intake/intake.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';

// The inside/outside-business-hours condition answered by a real calendar from the shared module.
let t: TestApp;
let seq = 0;

beforeAll(async () => {
  t = await createTestApp({ channels: { email: [{ name: 'support', address: 'support@example.com' }] } });
  await t.app.inject({ method: 'POST', url: '/api/v1/labels', headers: t.admin.headers, payload: { name: 'after-hours' } });
});
afterAll(async () => t.close());

const api = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: t.admin.headers, ...(payload ? { payload } : {}) });

async function calendar(name: string, weekly: Record<string, Array<{ from: string; to: string }>>): Promise<number> {
  const res = await api('POST', '/business-hours', { name, timezone: 'Asia/Shanghai', weekly, holidays: [], extraWorkdays: [] });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ businessHours: { id: number } }>().businessHours.id;
}

async function labelsOfNewTicket(): Promise<string[]> {
  seq++;
  const { ticketId } = await intake(t.ctx, {
    channel: { kind: 'email', name: 'support' },
    sender: { identity: { kind: 'email', value: `hours${seq}@example.org` }, name: `H ${seq}` },
    subject: 'Where is my order?',
    text: 'Hello',
    idempotencyKey: `<hours-${seq}@example.org>`,
  });
  await t.ctx.automation.idle();
  const detail = await api('GET', `/tickets/${ticketId}`);
  return detail.json<{ ticket: { labels: string[] } }>().ticket.labels;
}

const allDay = { from: '00:00', to: '24:00' };
const everyDay = { mon: [allDay], tue: [allDay], wed: [allDay], thu: [allDay], fri: [allDay], sat: [allDay], sun: [allDay] };

describe('rules on business hours', () => {
  it('labels a ticket only when its calendar is closed, and a calendar a rule names cannot be deleted', async () => {
    const open = await calendar('Always open', everyDay);
    // One minute a week: closed at any moment a test may run, but a valid calendar.
    const closed = await calendar('Nearly never', { mon: [{ from: '03:00', to: '03:01' }] });
    const rule = (id: number) => ({
      name: `Outside hours ${id}`,
      event: 'ticket.created',
      conditions: { all: [{ field: 'business_hours', op: 'outside', value: id }] },
      actions: [{ type: 'add_labels', labels: ['after-hours'] }],
    });
    const onOpen = await api('POST', '/rules', rule(open));
    expect(onOpen.statusCode, onOpen.body).toBe(201);
    expect(await labelsOfNewTicket()).not.toContain('after-hours');

    await api('DELETE', `/rules/${onOpen.json<{ rule: { id: number } }>().rule.id}`);
    const onClosed = await api('POST', '/rules', rule(closed));
    expect(onClosed.statusCode, onClosed.body).toBe(201);
    expect(await labelsOfNewTicket()).toContain('after-hours');

    const refused = await api('DELETE', `/business-hours/${closed}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('Outside hours');
    expect((await api('DELETE', `/business-hours/${open}`)).statusCode).toBeLessThan(300);
  });
});
