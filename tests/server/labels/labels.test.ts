import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelView } from '../../../server/modules/labels/service.js';
import type { TicketView } from '../../../server/modules/tickets/schemas.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { as, inboundTicket } from '../tickets/fixtures.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('labels', () => {
  it('creates, recolours, renames and deletes a label; a rename shows on tickets, a delete removes it from them', async () => {
    const api = as(t, t.admin);
    const created = await api.post<{ label: LabelView }>('/labels', { name: '退款', color: '#ff0000' });
    expect(created.status).toBe(201);
    const id = created.body.label.id;
    const { ticketId } = await inboundTicket(t);
    await api.patch(`/tickets/${ticketId}`, { labels: ['退款'] });
    const updated = await api.patch<{ label: LabelView }>(`/labels/${id}`, { name: 'refund', color: '#00ff00' });
    expect(updated.body.label).toEqual({ id, name: 'refund', color: '#00ff00' });
    expect((await api.get<{ ticket: TicketView }>(`/tickets/${ticketId}`)).body.ticket.labels).toEqual(['refund']);
    expect((await api.get<{ items: LabelView[] }>('/labels')).body.items.map((l) => l.name)).toEqual(['refund']);
    expect((await api.del(`/labels/${id}`)).status).toBe(204);
    expect((await api.get<{ ticket: TicketView }>(`/tickets/${ticketId}`)).body.ticket.labels).toEqual([]);
  });

  it('refuses duplicates, commas and bad colours', async () => {
    const api = as(t, t.admin);
    await api.post('/labels', { name: 'vip' });
    expect((await api.post('/labels', { name: 'VIP' })).status).toBe(409);
    const comma = await api.post('/labels', { name: 'a,b' });
    expect(comma.status).toBe(400);
    expect(comma.body.error.details?.field).toBe('name');
    const colour = await api.post('/labels', { name: 'c', color: 'red' });
    expect(colour.status).toBe(400);
    expect(colour.body.error.details?.field).toBe('color');
  });
});
