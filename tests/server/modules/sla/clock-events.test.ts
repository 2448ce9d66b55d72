import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../helpers/app.js';
import { as, inboundTicket } from '../../tickets/fixtures.js';

let t: TestApp;
let api: ReturnType<typeof as>;
const MIN = 60_000;

beforeAll(async () => {
  t = await createTestApp({ channels: { email: [{ name: 'support', address: 'support@example.com', smtp: { host: '127.0.0.1', port: 2525, security: 'none' } }] } });
  api = as(t, t.admin);
  const res = await api.post('/sla-policies', { name: 'All', conditions: { all: [] }, targets: { firstResponseMinutes: 30, nextResponseMinutes: 60 } });
  expect(res.status).toBe(201);
});
afterAll(async () => t.close());

const clocks = (ticketId: number) =>
  t.ctx.db.selectFrom('sla_targets').select(['target', 'cycle', 'started_at', 'due_at', 'status', 'met_at']).where('ticket_id', '=', ticketId).orderBy('target').orderBy('cycle').execute();
/** Lets the re-computations that the last change's events set off commit. */
const settled = () => t.ctx.database.transaction(async () => undefined);

describe('SLA clocks follow the ticket’s messages', () => {
  it('starts a next-response wait with the customer’s message after a reply, and not for notes or earlier messages', async () => {
    const key = `thread-${Date.now()}`;
    const { ticketId } = await inboundTicket(t, { thread: { key } });
    await settled();
    const first = await clocks(ticketId);
    expect(first).toEqual([expect.objectContaining({ target: 'first_response', status: 'running', met_at: null })]);

    // Before any reply, a second customer message and a note leave the clocks as they were.
    await inboundTicket(t, { thread: { key }, sender: { identity: { kind: 'email', value: 'same@example.com' } } });
    expect((await api.post(`/tickets/${ticketId}/messages`, { kind: 'note', text: 'Looking into it.' })).status).toBe(201);
    await settled();
    expect(await clocks(ticketId)).toEqual(first);

    expect((await api.post(`/tickets/${ticketId}/messages`, { kind: 'reply', text: 'On it.' })).status).toBe(201);
    await settled();
    expect(await clocks(ticketId)).toEqual([expect.objectContaining({ target: 'first_response', status: 'met', met_at: expect.any(Number) })]);

    await inboundTicket(t, { thread: { key } });
    await settled();
    const after = await clocks(ticketId);
    const asked = await t.ctx.db.selectFrom('messages').select('created_at').where('ticket_id', '=', ticketId).where('kind', '=', 'inbound').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(after).toEqual([
      expect.objectContaining({ target: 'first_response', status: 'met' }),
      expect.objectContaining({ target: 'next_response', cycle: 1, status: 'running', started_at: asked.created_at, due_at: asked.created_at + 60 * MIN }),
    ]);
  });
});
