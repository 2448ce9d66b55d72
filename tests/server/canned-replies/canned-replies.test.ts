import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPlaceholders } from '../../../server/modules/canned-replies/render.js';
import type { CannedReplyView } from '../../../server/modules/canned-replies/service.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/app.js';
import { as, inboundTicket } from '../tickets/fixtures.js';

let t: TestApp;
let agent: Session;

beforeAll(async () => {
  t = await createTestApp();
  agent = await t.signIn('agent', 'mei@example.test');
});
afterAll(async () => t.close());

const values = { contact: { name: 'Li Lei', email: 'li@example.cn' }, agent: { name: 'Han Meimei' }, ticket: { number: 1042, subject: 'Refund' } };

describe('renderPlaceholders', () => {
  it.each([
    ['Hi {{contact.name}}, I am {{agent.name}}.', 'Hi Li Lei, I am Han Meimei.'],
    ['Ticket #{{ ticket.number }}', 'Ticket #1042'],
    ['{{contact.first_name}} / {{agent.first_name}}', 'Li / Han'],
    ['Keep {{contact.unknown}} as written', 'Keep {{contact.unknown}} as written'],
    ['您好 {{contact.name}}，工单 {{ticket.number}}', '您好 Li Lei，工单 1042'],
  ])('renders %j', (body, expected) => {
    expect(renderPlaceholders(body, values)).toBe(expected);
  });

  it('renders a missing contact name as empty, not "null"', () => {
    expect(renderPlaceholders('Hi {{contact.name}}!', { ...values, contact: { name: null, email: null } })).toBe('Hi !');
  });
});

describe('canned replies API', () => {
  it('creates, searches, updates, renders for a ticket and deletes', async () => {
    const api = as(t, t.admin);
    const created = await api.post<{ cannedReply: CannedReplyView }>('/canned-replies', {
      shortcut: '/refund',
      title: 'Refund accepted',
      body: 'Hi {{contact.name}}, your refund for #{{ticket.number}} is on its way. — {{agent.name}}',
    });
    expect(created.status).toBe(201);
    const id = created.body.cannedReply.id;
    expect(created.body.cannedReply.shortcut).toBe('refund');
    expect((await as(t, agent).get<{ items: CannedReplyView[] }>('/canned-replies?q=REFUND')).body.items.map((c) => c.id)).toEqual([id]);
    expect((await as(t, agent).get<{ items: CannedReplyView[] }>('/canned-replies?q=nothing')).body.items).toEqual([]);
    await api.patch(`/canned-replies/${id}`, { title: 'Refund OK' });

    const ticket = await inboundTicket(t, { sender: { identity: { kind: 'email', value: 'zhang@example.cn' }, name: '张伟' } });
    const rendered = await as(t, agent).post<{ text: string }>(`/canned-replies/${id}/render`, { ticketId: ticket.ticketId });
    const agentName = (await t.ctx.db.selectFrom('agents').select('name').where('id', '=', agent.agentId).executeTakeFirstOrThrow()).name;
    expect(rendered.body.text).toBe(`Hi 张伟, your refund for #${ticket.number} is on its way. — ${agentName}`);

    expect((await api.post('/canned-replies', { shortcut: 'Refund', title: 'x', body: 'y' })).status).toBe(409);
    expect((await api.post('/canned-replies', { shortcut: 'has space', title: 'x', body: 'y' })).status).toBe(400);
    expect((await as(t, agent).post(`/canned-replies/${id}/render`, { ticketId: 999999 })).status).toBe(404);
    expect((await api.del(`/canned-replies/${id}`)).status).toBe(204);
    expect((await as(t, agent).post(`/canned-replies/${id}/render`, { ticketId: ticket.ticketId })).status).toBe(404);
  });
});
