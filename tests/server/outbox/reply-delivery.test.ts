import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxJob } from '../../../server/outbox/senders.js';
import type { MessageView } from '../../../server/modules/tickets/schemas.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { as, inboundTicket } from '../tickets/fixtures.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.outbox.start();
});
afterAll(async () => t.close());

describe('a reply through the outbox', () => {
  // A kind no channel of this build registers a sender for.
  it('stays queued without a sender, then is delivered by the channel sender once one registers', async () => {
    const { ticketId } = await inboundTicket(t, { channel: { kind: 'telegram', name: 'bot' } });
    const reply = await as(t, t.admin).post<{ message: MessageView }>(`/tickets/${ticketId}/messages`, { kind: 'reply', text: 'on its way' });
    const messageId = reply.body.message.id;
    await t.ctx.outbox.runOnce();
    expect(reply.body.message.delivery).toEqual({ status: 'queued' });

    const jobs: OutboxJob[] = [];
    const updated = new Promise<MessageView>((resolve) => {
      const off = t.ctx.bus.on('message.updated', (e) => {
        if (e.message.id === messageId) {
          off();
          resolve(e.message);
        }
      });
    });
    t.ctx.outbox.registerSender('telegram', async (job) => {
      jobs.push(job);
      return { status: 'delivered' };
    });
    expect((await updated).delivery).toEqual({ status: 'delivered' });
    expect(jobs).toEqual([expect.objectContaining({ kind: 'telegram', channelName: 'bot', messageId, payload: { ticketId } })]);
    const detail = await as(t, t.admin).get<{ messages: MessageView[] }>(`/tickets/${ticketId}`);
    expect(detail.body.messages.find((m) => m.id === messageId)?.delivery).toEqual({ status: 'delivered' });
  });

  it('wakes the worker as soon as a reply commits', async () => {
    const { ticketId } = await inboundTicket(t, { channel: { kind: 'telegram', name: 'bot' } });
    const delivered = new Promise<void>((resolve) => {
      const off = t.ctx.bus.on('message.updated', (e) => {
        if (e.ticketId === ticketId && e.message.delivery?.status === 'delivered') {
          off();
          resolve();
        }
      });
    });
    await as(t, t.admin).post(`/tickets/${ticketId}/messages`, { kind: 'reply', text: 'second' });
    await delivered;
    const rows = await t.ctx.db.selectFrom('outbox').innerJoin('messages', 'messages.id', 'outbox.message_id').select('outbox.status').where('messages.ticket_id', '=', ticketId).execute();
    expect(rows).toEqual([{ status: 'sent' }]);
  });
});
