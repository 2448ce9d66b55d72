import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wakeSnoozedTickets } from '../../../server/modules/tickets/snooze.js';
import type { KefuEvent } from '../../../server/realtime/events.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { as, inboundTicket } from './fixtures.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('snooze wake-up', () => {
  it('reopens tickets whose snooze time has passed, and only those', async () => {
    const soon = await inboundTicket(t);
    const later = await inboundTicket(t);
    const api = as(t, t.admin);
    const base = Date.now();
    await api.patch(`/tickets/${soon.ticketId}`, { snoozedUntil: new Date(base + 60_000).toISOString() });
    await api.patch(`/tickets/${later.ticketId}`, { snoozedUntil: new Date(base + 3_600_000).toISOString() });
    const events: KefuEvent[] = [];
    const off = t.ctx.bus.on('ticket.updated', (e) => {
      events.push(e);
    });
    expect(await wakeSnoozedTickets(t.ctx, base + 120_000)).toBe(1);
    off();
    const rows = await t.ctx.db.selectFrom('tickets').select(['id', 'status', 'snoozed_until']).where('id', 'in', [soon.ticketId, later.ticketId]).orderBy('id').execute();
    expect(rows.map((r) => r.status)).toEqual(['open', 'snoozed']);
    expect(rows[0]?.snoozed_until).toBeNull();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ ticketId: soon.ticketId, actor: { kind: 'system' }, changes: expect.arrayContaining(['status']) });
    const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('entity_id', '=', soon.ticketId).where('actor_kind', '=', 'system').execute();
    expect(audit).toHaveLength(1);
    expect(await wakeSnoozedTickets(t.ctx, base + 120_000)).toBe(0);
  });
});
