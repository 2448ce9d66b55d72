import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrations } from '../../../migrations/index.js';
import { openDatabase } from '../../../server/db/database.js';
import { migrateToLatest } from '../../../server/db/migrate.js';
import { intake } from '../../../server/intake/intake.js';
import type { ChannelKind } from '../../../server/intake/types.js';
import { recordChatEvent } from '../../../server/modules/tickets/chat-events.js';
import { createTestApp, tempDir, type TestApp } from '../../helpers/app.js';
import { as } from '../tickets/fixtures.js';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0); // Monday 09:00 UTC
const MIN = 60_000;

let t: TestApp;
beforeAll(async () => {
  // A mailbox that could send, so the auto-reply rule writes its reply (nothing delivers it here).
  t = await createTestApp({ channels: { email: [{ name: 'support', address: 'support@example.com', smtp: { host: '127.0.0.1', port: 2, security: 'none' } }] } });
});
afterAll(async () => t.close());
afterEach(() => vi.useRealTimers());

/** Date is the only thing moved: timers (and so the rules engine) run as usual. */
const at = (ms: number) => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(ms);
};

let seq = 0;
async function customerSays(text: string, when: number, thread?: { ticketId: number }, channel: { kind: ChannelKind; name: string } = { kind: 'email', name: 'support' }) {
  at(when);
  const r = await intake(t.ctx, {
    channel,
    sender: { identity: { kind: 'email', value: `metrics-${channel.kind}@example.com` }, name: 'Li Lei' },
    subject: 'Order 42',
    text,
    idempotencyKey: `metrics-${++seq}`,
    receivedAt: when,
    ...(thread ? { thread } : {}),
  });
  await t.ctx.automation.idle();
  return r.ticketId;
}

const metricsOf = (id: number) => t.ctx.db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('per-ticket report metrics', () => {
  it('counts only public agent replies as responses, times the waits and the resolution, and notes a reopen', async () => {
    const rule = await t.app.inject({
      method: 'POST',
      url: '/api/v1/rules',
      headers: t.admin.headers,
      payload: { name: 'Thanks', event: 'message.customer', conditions: {}, actions: [{ type: 'auto_reply', text: 'We got it.' }] },
    });
    expect(rule.statusCode).toBe(201);
    const agent = await t.signIn('agent');
    const api = as(t, agent);

    const id = await customerSays('Where is my order?', T0);
    const auto = await t.ctx.db.selectFrom('messages').select('author_kind').where('ticket_id', '=', id).where('kind', '=', 'outbound').execute();
    expect(auto).toEqual([{ author_kind: 'system' }]);

    at(T0 + 2 * MIN);
    expect((await api.post(`/tickets/${id}/messages`, { kind: 'note', text: 'checking with the warehouse' })).status).toBe(201);
    let row = await metricsOf(id);
    expect(row.first_response_seconds).toBeNull();
    expect(row.agent_reply_count).toBe(0);
    expect(row.awaiting_since).toBe(T0);

    at(T0 + 10 * MIN);
    expect((await api.post(`/tickets/${id}/messages`, { kind: 'reply', text: 'It ships today.' })).status).toBe(201);
    await customerSays('Thanks, and the invoice?', T0 + 20 * MIN, { ticketId: id });
    await customerSays('Hello?', T0 + 25 * MIN, { ticketId: id });
    at(T0 + 50 * MIN);
    expect((await api.post(`/tickets/${id}/messages`, { kind: 'reply', text: 'Attached.', status: 'resolved' })).status).toBe(201);

    row = await metricsOf(id);
    expect(row).toMatchObject({
      first_response_seconds: 600,
      first_responder_id: agent.agentId,
      agent_reply_count: 2,
      // the wait starts at the first unanswered message (T0+20), not the latest
      next_response_seconds_total: 30 * 60,
      next_response_count: 1,
      awaiting_since: null,
      resolution_seconds: 50 * 60,
      resolved_by_id: agent.agentId,
      reopen_count: 0,
      last_reopened_at: null,
    });

    await customerSays('It broke again', T0 + 120 * MIN, { ticketId: id });
    row = await metricsOf(id);
    expect(row).toMatchObject({ status: 'open', reopen_count: 1, last_reopened_at: T0 + 120 * MIN, awaiting_since: T0 + 120 * MIN });
    at(T0 + 180 * MIN);
    expect((await api.patch(`/tickets/${id}`, { status: 'resolved' })).status).toBe(200);
    // the latest resolution counts; the first response stays the ticket's first
    expect(await metricsOf(id)).toMatchObject({ resolution_seconds: 180 * 60, first_response_seconds: 600, agent_reply_count: 2 });
  });

  it('marks a chat the visitor ended before any agent answered as missed, and one answered in time as not', async () => {
    const widget = { kind: 'widget' as const, name: 'site' };
    const missed = await customerSays('anyone there?', T0, undefined, widget);
    await recordChatEvent(t.ctx, missed, { kind: 'ended', conversationId: 'conv-missed' });
    expect((await metricsOf(missed)).chat_missed).toBe(1);

    const agent = await t.signIn('agent');
    const answered = await customerSays('hi', T0 + MIN, undefined, widget);
    at(T0 + 2 * MIN);
    expect((await as(t, agent).post(`/tickets/${answered}/messages`, { kind: 'reply', text: 'Hello!' })).status).toBe(201);
    await recordChatEvent(t.ctx, answered, { kind: 'ended', conversationId: 'conv-answered' });
    expect((await metricsOf(answered)).chat_missed).toBe(0);
  });
});

describe('migration 0027', () => {
  it('backfills the metrics of tickets that existed before it from their messages', async () => {
    const dir = tempDir();
    const database = openDatabase(path.join(dir, 'old.sqlite'));
    const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0027'));
    await migrateToLatest(database, dir, before);
    const s = database.sqlite;
    s.prepare(`insert into agents (id, email, name, role, password_hash, created_at, updated_at) values (7, 'a@x', 'A', 'agent', 'x', 0, 0)`).run();
    s.prepare(`insert into contacts (id, name, created_at, updated_at, last_seen_at) values (1, 'C', 0, 0, 0)`).run();
    s.prepare(
      `insert into tickets (id, number, status, priority, channel_kind, channel_name, contact_id, created_at, updated_at, last_activity_at, first_response_at, resolved_at)
       values (1, 1001, 'resolved', 'normal', 'email', 'support', 1, ?, ?, ?, ?, ?)`,
    ).run(T0, T0, T0, T0 + 90_000, T0 + 3_600_000);
    const msg = s.prepare(
      `insert into messages (ticket_id, kind, author_kind, author_id, author_name, text, channel_kind, channel_name, created_at) values (1, ?, ?, ?, 'n', 't', 'email', 'support', ?)`,
    );
    msg.run('inbound', 'contact', 1, T0);
    msg.run('note', 'agent', 7, T0 + 1000);
    msg.run('outbound', 'system', null, T0 + 2000);
    msg.run('outbound', 'agent', 7, T0 + 90_000);
    msg.run('outbound', 'agent', 7, T0 + 100_000);
    await migrateToLatest(database, dir);
    expect(s.prepare('select first_response_seconds, first_responder_id, agent_reply_count, resolution_seconds from tickets').get()).toEqual({
      first_response_seconds: 90,
      first_responder_id: 7,
      agent_reply_count: 2,
      resolution_seconds: 3600,
    });
    await database.close();
  });
});
