import { sql } from 'kysely';
import { vi } from 'vitest';
import { intake } from '../../../server/intake/intake.js';
import { recordChatEvent } from '../../../server/modules/tickets/chat-events.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/app.js';
import { as } from '../tickets/fixtures.js';

/**
 * A small week of work whose every figure is worked out by hand in reports-api.test.ts.
 * Period: Mon 2026-03-02 00:00Z to Mon 2026-03-09 00:00Z; the previous period is the week before.
 */
export const FROM = '2026-03-02T00:00:00Z';
export const TO = '2026-03-09T00:00:00Z';
export const MIN = 60_000;
export const at = (iso: string, plusMinutes = 0): number => Date.parse(iso) + plusMinutes * MIN;

/** Date is the only thing moved: timers (and so the rules engine) run as usual. */
export function clockAt(ms: number): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(ms);
}

export interface Dataset {
  t: TestApp;
  agent1: Session;
  agent2: Session;
  ids: Record<'A' | 'B' | 'C' | 'D' | 'E' | 'F', number>;
}

export const mailConfig = {
  channels: { email: [{ name: 'support', address: 'support@example.com', smtp: { host: '127.0.0.1', port: 2, security: 'none' } }] },
};

let seq = 0;

/** `config` replaces the default mail config, e.g. to point the mailbox at a real SMTP receiver. */
export async function buildDataset(config: Record<string, unknown> = mailConfig): Promise<Dataset> {
  const t = await createTestApp(config);
  const agent1 = await t.signIn('agent', 'wang@example.test');
  const agent2 = await t.signIn('agent', 'chen@example.test');
  await t.ctx.db.updateTable('agents').set({ name: '王芳' }).where('id', '=', agent1.agentId).execute();
  await t.ctx.db.updateTable('agents').set({ name: 'Chen "CC" Li' }).where('id', '=', agent2.agentId).execute();
  const rule = await t.app.inject({
    method: 'POST',
    url: '/api/v1/rules',
    headers: t.admin.headers,
    payload: { name: 'Thanks', event: 'message.customer', conditions: {}, actions: [{ type: 'auto_reply', text: 'We got it.' }] },
  });
  if (rule.statusCode !== 201) throw new Error(`rule: ${rule.body}`);
  const senders = new Map<number, string>();

  async function says(when: number, text: string, opts: { ticketId?: number; widget?: boolean } = {}): Promise<number> {
    clockAt(when);
    const channel = opts.widget ? { kind: 'widget' as const, name: 'site' } : { kind: 'email' as const, name: 'support' };
    const email = (opts.ticketId && senders.get(opts.ticketId)) || `customer${++seq}@example.com`;
    const r = await intake(t.ctx, {
      channel,
      sender: { identity: { kind: 'email', value: email }, name: '李雷' },
      subject: text,
      text,
      idempotencyKey: `ds-${++seq}`,
      receivedAt: when,
      ...(opts.ticketId ? { thread: { ticketId: opts.ticketId } } : {}),
    });
    await t.ctx.automation.idle();
    senders.set(r.ticketId, email);
    return r.ticketId;
  }
  async function reply(who: Session, when: number, id: number, body: Record<string, unknown>): Promise<void> {
    clockAt(when);
    const res = await as(t, who).post(`/tickets/${id}/messages`, body);
    if (res.status !== 201) throw new Error(`reply: ${JSON.stringify(res.body)}`);
  }
  async function patch(who: Session, when: number, id: number, body: Record<string, unknown>): Promise<void> {
    clockAt(when);
    const res = await as(t, who).patch(`/tickets/${id}`, body);
    if (res.status !== 200) throw new Error(`patch: ${JSON.stringify(res.body)}`);
  }

  // E, the week before: answered in 20 min, resolved at 30 with its only reply.
  const E = await says(at('2026-02-24T09:00:00Z'), 'Previous week question');
  await patch(t.admin, at('2026-02-24T09:00:00Z', 1), E, { assigneeId: agent1.agentId });
  await reply(agent1, at('2026-02-24T09:00:00Z', 20), E, { kind: 'reply', text: 'Done.', status: 'resolved' });

  // A, Mon 09:00: an auto-reply and a note (neither a response), reply at 09:10, resolved 10:00, reopened 12:00, resolved 13:00.
  const A = await says(at('2026-03-02T09:00:00Z'), '订单没有到');
  await patch(t.admin, at('2026-03-02T09:00:00Z', 1), A, { assigneeId: agent1.agentId });
  await reply(agent1, at('2026-03-02T09:00:00Z', 2), A, { kind: 'note', text: 'asking the warehouse' });
  await reply(agent1, at('2026-03-02T09:00:00Z', 10), A, { kind: 'reply', text: '今天发货' });
  await patch(agent1, at('2026-03-02T10:00:00Z'), A, { status: 'resolved' });
  await says(at('2026-03-02T12:00:00Z'), 'Still not here', { ticketId: A });
  await patch(agent1, at('2026-03-02T13:00:00Z'), A, { status: 'resolved' });

  // B, Tue 10:00: one reply at 10:30 that also resolves it: first contact resolution.
  const B = await says(at('2026-03-03T10:00:00Z'), 'Invoice please');
  await patch(t.admin, at('2026-03-03T10:00:00Z', 1), B, { assigneeId: agent2.agentId, priority: 'high' });
  await reply(agent2, at('2026-03-03T10:00:00Z', 30), B, { kind: 'reply', text: 'Attached', status: 'resolved' });

  // C, Wed 08:00: reply 09:00, customer 09:10, reply 09:40 (a 30 min next response), resolved 10:00.
  const C = await says(at('2026-03-04T08:00:00Z'), '=cmd|calc, "quoted"');
  await patch(t.admin, at('2026-03-04T08:00:00Z', 1), C, { assigneeId: agent1.agentId });
  await reply(agent1, at('2026-03-04T09:00:00Z'), C, { kind: 'reply', text: 'Which order?' });
  await says(at('2026-03-04T09:10:00Z'), 'Order 42', { ticketId: C });
  await reply(agent1, at('2026-03-04T09:40:00Z'), C, { kind: 'reply', text: 'Refunded' });
  await patch(agent1, at('2026-03-04T10:00:00Z'), C, { status: 'resolved' });

  // D, Thu 23:30 UTC (Fri 07:30 in Shanghai): a chat the visitor left before anyone answered.
  const D = await says(at('2026-03-05T23:30:00Z'), 'anyone?', { widget: true });
  clockAt(at('2026-03-05T23:40:00Z'));
  await recordChatEvent(t.ctx, D, { kind: 'ended', conversationId: 'chat-D' });

  // F, Sun 07:30 UTC: 03:30 in New York, just after the clocks went forward (EST → EDT at 07:00 UTC).
  const F = await says(at('2026-03-08T07:30:00Z'), 'Weekend question');

  // Ten chats offered a rating in the period, four rated 5, 4, 3 and 1.
  // Raw inserts of just the columns the ratings need, through Kysely so they run on either driver.
  const db = t.ctx.db;
  await sql`insert into widget_visitors (id, channel, created_at, last_seen_at) values ('v1', 'site', 0, 0)`.execute(db);
  const tickets = [A, B, C, D, D, D, D, D, D, D];
  for (const [i, ticket] of tickets.entries()) {
    await sql`insert into widget_conversations (id, visitor_id, channel, ticket_id, status, created_at, ended_at)
      values (${`conv-${i}`}, 'v1', 'site', ${ticket}, 'ended', ${at('2026-03-06T10:00:00Z')}, ${at('2026-03-06T10:05:00Z')})`.execute(db);
  }
  for (const [i, score] of [5, 4, 3, 1].entries()) {
    await sql`insert into csat_ratings (ticket_id, conversation_id, score, comment, created_at)
      values (${tickets[i]}, ${`conv-${i}`}, ${score}, null, ${at('2026-03-06T10:06:00Z')})`.execute(db);
  }
  vi.useRealTimers();
  return { t, agent1, agent2, ids: { A, B, C, D, E, F } };
}
