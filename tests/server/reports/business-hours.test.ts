import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { intake } from '../../../server/intake/intake.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { as } from '../tickets/fixtures.js';
import { at, clockAt, mailConfig } from './dataset.js';

let t: TestApp;
let hoursId = 0;
beforeAll(async () => {
  t = await createTestApp(mailConfig);
  const nineToFive = [{ from: '09:00', to: '17:00' }];
  const res = await as(t, t.admin).post<{ businessHours: { id: number } }>('/business-hours', {
    name: 'Shanghai office',
    timezone: 'Asia/Shanghai',
    weekly: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive },
  });
  expect(res.status).toBe(201);
  hoursId = res.body.businessHours.id;
});
afterAll(async () => t.close());
afterEach(() => vi.useRealTimers());

describe('business-hours variants of the overview', () => {
  it('counts a Friday 16:50 ticket answered Monday 09:10 as 20 business minutes, 64 h 20 min on the clock', async () => {
    // Shanghai is UTC+8: Fri 6 March 16:50 local is 08:50 UTC, Mon 9 March 09:10 local is 01:10 UTC.
    clockAt(at('2026-03-06T08:50:00Z'));
    const { ticketId } = await intake(t.ctx, {
      channel: { kind: 'email', name: 'support' },
      sender: { identity: { kind: 'email', value: 'weekend@example.com' } },
      subject: '周五下班前的问题',
      text: '周末能处理吗？',
      idempotencyKey: 'bh-1',
      receivedAt: at('2026-03-06T08:50:00Z'),
    });
    clockAt(at('2026-03-09T01:10:00Z'));
    expect((await as(t, t.admin).post(`/tickets/${ticketId}/messages`, { kind: 'reply', text: '已处理' })).status).toBe(201);
    clockAt(at('2026-03-09T02:00:00Z'));
    expect((await as(t, t.admin).patch(`/tickets/${ticketId}`, { status: 'resolved' })).status).toBe(200);
    vi.useRealTimers();

    const res = await as(t, t.admin).get<Record<string, unknown>>(
      `/reports/overview?from=2026-03-02T00:00:00%2B08:00&to=2026-03-16T00:00:00%2B08:00&timezone=Asia/Shanghai&businessHoursId=${hoursId}`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      firstResponseTime: { median: 64 * 3600 + 20 * 60 },
      resolutionTime: { median: 65 * 3600 + 10 * 60 },
      // Friday 16:50–17:00 and Monday 09:00–09:10; resolved at 10:00: 10 + 60 minutes
      businessHours: { businessHoursId: hoursId, name: 'Shanghai office', firstResponseTime: { median: 1200, count: 1 }, resolutionTime: { median: 4200, count: 1 } },
      previous: { businessHours: { firstResponseTime: { median: null, count: 0 } } },
    });
  });

  it('names businessHoursId when the calendar does not exist', async () => {
    const res = await as(t, t.admin).get<{ error: { details?: { field?: string } } }>('/reports/overview?from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z&businessHoursId=999');
    expect(res.status).toBe(400);
    expect(res.body.error.details?.field).toBe('businessHoursId');
  });
});
