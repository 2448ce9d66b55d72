import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { as, inboundTicket } from './fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const messageCount = async (ticketId: number) =>
  Number((await t.ctx.db.selectFrom('messages').select((eb) => eb.fn.countAll().as('n')).where('ticket_id', '=', ticketId).executeTakeFirstOrThrow()).n);

describe('Cc and Bcc on a reply', () => {
  it.each([
    ['cc', ['ok@example.com', 'not an address'], 'cc[1]', 'not an address'],
    ['bcc', ['<x@example.com>'], 'bcc[0]', '<x@example.com>'],
    ['cc', ['a@b@c.com'], 'cc[0]', 'a@b@c.com'],
    ['bcc', ['nobody'], 'bcc[0]', 'nobody'],
  ])('answers 400 naming the bad %s address %j and writes nothing', async (field, list, where, bad) => {
    const { ticketId } = await inboundTicket(t);
    const before = await messageCount(ticketId);
    const res = await as(t, t.admin).post(`/tickets/${ticketId}/messages`, { kind: 'reply', text: 'hello', [field]: list });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_address', details: { field: where, address: bad } });
    expect(res.body.error.message).toContain(bad);
    expect(await messageCount(ticketId)).toBe(before);
  });

  it('keeps valid addresses, trimmed', async () => {
    const { ticketId } = await inboundTicket(t);
    const res = await as(t, t.admin).post<{ message: { id: number } }>(`/tickets/${ticketId}/messages`, {
      kind: 'reply',
      text: 'hello',
      cc: [' boss@example.com '],
      bcc: ['audit@example.com'],
    });
    expect(res.status).toBe(201);
    const row = await t.ctx.db.selectFrom('messages').select('meta').where('id', '=', res.body.message.id).executeTakeFirstOrThrow();
    expect(JSON.parse(row.meta)).toMatchObject({ cc: ['boss@example.com'], bcc: ['audit@example.com'] });
  });
});
