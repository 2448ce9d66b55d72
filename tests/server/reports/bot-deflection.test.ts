import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrations } from '../../../migrations/index.js';
import { openDatabase } from '../../../server/db/database.js';
import { migrateToLatest } from '../../../server/db/migrate.js';
import { tempDir, type TestApp } from '../../helpers/app.js';
import { botDesk, press, setBot, startChat } from '../bot/helpers.js';
import { as } from '../tickets/fixtures.js';
import { clockAt } from './dataset.js';

/**
 * Widget chats through the real answer bot, counted by hand. This period (the day around now):
 *   P solved by the bot                          handled, deflected
 *   Q "转人工": the bot hands over at once        handled
 *   R answered, an agent replied, then "solved"  handled (an agent wrote: no deflection)
 *   S with the bot off                           not handled
 * The period before: O solved by the bot, handled and deflected.
 */
let t: TestApp;
const ids: Record<'O' | 'P' | 'Q' | 'R' | 'S', number> = { O: 0, P: 0, Q: 0, R: 0, S: 0 };
const HOUR = 3600_000;
const nowMs = Date.now();
const from = new Date(nowMs - 12 * HOUR).toISOString();
const to = new Date(nowMs + 12 * HOUR).toISOString();

beforeAll(async () => {
  t = await botDesk();
  clockAt(nowMs - 30 * HOUR);
  const o = await startChat(t, '怎么退钱');
  await press(t, o, 'solved');
  vi.useRealTimers();
  ids.O = o.ticketId;

  const p = await startChat(t, '怎么申请退款');
  await press(t, p, 'solved');
  ids.P = p.ticketId;
  ids.Q = (await startChat(t, '转人工')).ticketId;
  const r = await startChat(t, 'I want my money back');
  const reply = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${r.ticketId}/messages`, headers: t.admin.headers, payload: { kind: 'reply', text: 'On it' } });
  expect(reply.statusCode, reply.body).toBe(201);
  await press(t, r, 'solved');
  ids.R = r.ticketId;
  await setBot(t, { enabled: false });
  ids.S = (await startChat(t, '能开发票吗')).ticketId;
}, 60_000);
afterAll(async () => t?.close());

type Chat = { chats: number; botHandled: number; botDeflected: number; deflectionRate: number | null };
type Overview = { chat: Chat; previous: { chat: Chat } };

describe('bot deflection in the reports overview', () => {
  it('counts the chats the bot took and those it solved alone, this period and the one before', async () => {
    const res = await as(t, t.admin).get<Overview>(`/reports/overview?from=${from}&to=${to}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.chat).toMatchObject({ chats: 4, botHandled: 3, botDeflected: 1, deflectionRate: 0.3333 });
    expect(res.body.previous.chat).toMatchObject({ chats: 1, botHandled: 1, botDeflected: 1, deflectionRate: 1 });
  });

  it('gives no rate when the bot handled nothing', async () => {
    const res = await as(t, t.admin).get<Overview>(`/reports/overview?from=${from}&to=${to}&channel=email`);
    expect(res.body.chat).toMatchObject({ chats: 0, botHandled: 0, botDeflected: 0, deflectionRate: null });
  });

  it('lists the tickets behind the figures with the bot filter', async () => {
    const list = async (query: string): Promise<number[]> => {
      const res = await as(t, t.admin).get<{ items: Array<{ id: number }> }>(`/tickets?status=all&createdFrom=${from}&createdTo=${to}&${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.items.map((x) => x.id).sort((a, b) => a - b);
    };
    expect(await list('bot=handled')).toEqual([ids.P, ids.Q, ids.R].sort((a, b) => a - b));
    expect(await list('bot=deflected')).toEqual([ids.P]);
    const bad = await as(t, t.admin).get<{ error: { message: string } }>('/tickets?bot=maybe');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message.startsWith('bot:')).toBe(true);
  });
});

describe('migration 0035', () => {
  it('marks chats the bot took before it as handled: it spoke, it still holds them, or it solved them', async () => {
    const dir = tempDir();
    const database = openDatabase(path.join(dir, 'old.sqlite'));
    await migrateToLatest(database, dir, Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0035')));
    const s = database.sqlite;
    s.prepare(`insert into contacts (id, name, created_at, updated_at, last_seen_at) values (1, 'C', 0, 0, 0)`).run();
    const ticket = s.prepare(
      `insert into tickets (id, number, status, priority, channel_kind, channel_name, contact_id, created_at, updated_at, last_activity_at, bot_active, bot_deflected)
       values (?, ?, 'open', 'normal', 'widget', 'website', 1, 0, 0, 0, ?, ?)`,
    );
    ticket.run(1, 1001, 0, 0); // the bot answered, then handed over
    ticket.run(2, 1002, 1, 0); // the bot holds it
    ticket.run(3, 1003, 0, 1); // solved by the bot
    ticket.run(4, 1004, 0, 0); // never the bot's
    const msg = s.prepare(`insert into messages (ticket_id, kind, author_kind, author_name, text, channel_kind, channel_name, created_at) values (?, ?, ?, 'n', 't', 'widget', 'website', 0)`);
    msg.run(1, 'bot', 'bot');
    msg.run(4, 'inbound', 'contact');
    await migrateToLatest(database, dir);
    expect(s.prepare('select id, bot_handled from tickets order by id').raw().all()).toEqual([[1, 1], [2, 1], [3, 1], [4, 0]]);
    await database.close();
  });
});
