import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../helpers/app.js';
import { deliverAgentMessage } from '../../../../server/channels/widget/delivery.js';
import { widgetRuntimeOf } from '../../../../server/channels/widget/plugin.js';
import { postMessage } from '../../../../server/modules/tickets/post-message.js';
import { identityHash } from '../../../../server/channels/widget/token.js';
import { IDENTITY_SECRET, Visitor, widgetApp } from './helpers.js';

describe('widget email: offline answers, transcripts, erasure', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await widgetApp(
      { email_channel: 'support', business_hours: { timezone: 'UTC', days: {} }, offline_when_no_agent: true, title: 'Acme' },
    );
  });
  afterAll(async () => {
    await t.close();
  });

  const emails = () =>
    t.ctx.db.selectFrom('outbox').select(['channel_name', 'payload']).where('kind', '=', 'email').orderBy('id').execute();

  it('answers a chat left after hours by email too, when the visitor is not there', async () => {
    const v = new Visitor(t);
    await v.start({ email: 'sam@example.com' });
    const sent = await v.send('Do you rent tents?');
    const conversationId = sent.json<{ message: { conversationId: string } }>().message.conversationId;
    const conv = await t.ctx.db.selectFrom('widget_conversations').selectAll().where('id', '=', conversationId).executeTakeFirstOrThrow();
    expect(conv.offline).toBe(1);
    const { message } = await postMessage(t.ctx, { id: t.admin.agentId, name: 'Admin', role: 'admin' }, conv.ticket_id!, {
      kind: 'reply',
      text: 'Yes, from 10 euros a night.',
    });
    // The outbox worker is not running in this test; the sender is called as the worker would.
    expect(await deliverAgentMessage(widgetRuntimeOf(t.ctx)!, message.id)).toBe('stored');
    const mail = (await emails()).at(-1);
    expect(mail?.channel_name).toBe('support');
    expect(JSON.parse(mail!.payload)).toMatchObject({ type: 'plain', to: 'sam@example.com', text: 'Yes, from 10 euros a night.', ticketId: conv.ticket_id });
    const history = await v.call('GET', '/messages');
    expect(history.json<{ items: Array<{ text: string }> }>().items.map((m) => m.text)).toContain('Yes, from 10 euros a night.');
  });

  it('emails a transcript of the chat on request to the identified visitor', async () => {
    const v = new Visitor(t);
    await v.start();
    const ok = await v.call('POST', '/identify', { id: 'kim', hash: identityHash(IDENTITY_SECRET, 'kim', 'kim@example.com'), email: 'kim@example.com' });
    v.token = ok.json<{ token: string }>().token;
    const sent = await v.send('Please send me this chat');
    const conversationId = sent.json<{ message: { conversationId: string } }>().message.conversationId;
    const res = await v.call('POST', `/conversations/${conversationId}/transcript`, { email: 'kim@example.com' });
    expect(res.statusCode).toBe(204);
    const payload = JSON.parse((await emails()).at(-1)!.payload) as { to: string; subject: string; text: string };
    expect(payload.to).toBe('kim@example.com');
    expect(payload.subject).toBe('Acme transcript');
    expect(payload.text).toContain('Please send me this chat');
  });

  it('forgets the visitor and their chat copies when the contact is erased', async () => {
    const v = new Visitor(t);
    const session = await v.start();
    await v.send('erase me later');
    const visitorId = (session.visitor as { id: string }).id;
    const visitor = await t.ctx.db.selectFrom('widget_visitors').selectAll().where('id', '=', visitorId).executeTakeFirstOrThrow();
    const tickets = await t.ctx.db.selectFrom('tickets').select('id').where('contact_id', '=', visitor.contact_id!).execute();
    t.ctx.bus.emit({ type: 'contact.deleted', contactId: visitor.contact_id!, ticketIds: tickets.map((x) => x.id), actor: { kind: 'system' } });
    await expect.poll(async () => (await t.ctx.db.selectFrom('widget_messages').select('id').where('visitor_id', '=', visitorId).execute()).length).toBe(0);
    expect(await t.ctx.db.selectFrom('widget_visitors').select('id').where('id', '=', visitorId).executeTakeFirst()).toBeUndefined();
    expect((await v.call('GET', '/messages')).statusCode).toBe(401);
  });
});
