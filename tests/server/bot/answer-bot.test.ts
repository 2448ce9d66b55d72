import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import { setDefault, setPresence } from '../assignment/helpers.js';
import { botDesk, press, say, setBot, startChat, ticketRow, timeline, widgetHistory } from './helpers.js';

let t: TestApp;

beforeAll(async () => {
  t = await botDesk();
  await setDefault(t, { mode: 'round_robin', capacity: { chat: 1000 } });
  setPresence(t, t.admin.agentId, 'online');
});
afterAll(async () => {
  await t.close();
});

const articleCount = (slug: string) =>
  t.ctx.db.selectFrom('kb_articles').select(['bot_used', 'bot_resolved']).where('slug', '=', slug).executeTakeFirstOrThrow();

describe('answer bot', () => {
  it('answers a confident match with the article’s first paragraph and link, and holds assignment meanwhile', async () => {
    const chat = await startChat(t, '怎么申请退款');
    const lines = await timeline(t, chat.ticketId);
    const bot = lines.filter((l) => l.kind === 'bot');
    expect(bot).toHaveLength(1);
    expect(bot[0]!.author_kind).toBe('bot');
    expect(bot[0]!.text).toContain('点击“申请退款”，我们会在三个工作日内处理。');
    expect(bot[0]!.text).toContain('/help/zh-CN/articles/refund');
    expect(JSON.parse(bot[0]!.meta)).toMatchObject({ bot: { kind: 'answer', articles: [{ title: '如何申请退款' }] } });
    // An agent is online and round robin is on: only the bot holds the chat back.
    expect(await ticketRow(t, chat.ticketId)).toMatchObject({ assignee_id: null, bot_active: 1, status: 'open' });
    expect((await articleCount('refund')).bot_used).toBe(1);

    const seen = await widgetHistory(t, chat);
    expect(seen.at(-1)).toMatchObject({ author: { kind: 'bot' }, bot: { kind: 'answer', articles: [{ url: expect.stringMatching(/\/help\/zh-CN\/articles\/refund$/) }] } });
  });

  it('offers two or three articles on a weak match', async () => {
    const chat = await startChat(t, 'question about delivery', 'en-GB');
    const [bot] = (await timeline(t, chat.ticketId)).filter((l) => l.kind === 'bot');
    const meta = JSON.parse(bot!.meta) as { bot: { kind: string; articles: Array<{ title: string }> } };
    expect(meta.bot.kind).toBe('offers');
    expect(meta.bot.articles.map((a) => a.title).sort()).toEqual(['Change the delivery address', 'Delivery times and costs', 'Track your delivery']);
    expect(bot!.text).toMatch(/^These articles may help:/);

    await setBot(t, { maxOffers: 2 });
    const narrower = await startChat(t, 'question about delivery', 'en-GB');
    const [second] = (await timeline(t, narrower.ticketId)).filter((l) => l.kind === 'bot');
    expect((JSON.parse(second!.meta) as { bot: { articles: unknown[] } }).bot.articles).toHaveLength(2);
    await setBot(t, { maxOffers: 3 });
  });

  it('hands over at once when nothing matches: queued for a person, the exchange on the timeline', async () => {
    setPresence(t, t.admin.agentId, 'offline');
    const chat = await startChat(t, '你们的仓库在火星上吗');
    const lines = await timeline(t, chat.ticketId);
    expect(lines.map((l) => [l.kind, l.author_kind])).toEqual([
      ['inbound', 'contact'],
      ['bot', 'bot'],
      ['system', 'bot'],
    ]);
    expect(lines[1]!.text).toBe('正在为您转接人工客服，请稍候。');
    expect(lines[2]).toMatchObject({ text: 'Handed to a person' });
    expect(JSON.parse(lines[2]!.meta)).toEqual({ event: 'bot.handoff', reason: 'no_match' });
    expect(await ticketRow(t, chat.ticketId)).toMatchObject({ bot_active: 0, assignee_id: null });
    const queued = await t.ctx.db.selectFrom('assignment_tickets').select('waiting_since').where('ticket_id', '=', chat.ticketId).executeTakeFirstOrThrow();
    expect(queued.waiting_since).not.toBeNull();
    setPresence(t, t.admin.agentId, 'online');
  });

  it.each(['转人工', '轉人工', '人工', '客服', 'agent', 'talk to a human'])('hands over when the visitor types “%s”, after an answer', async (words) => {
    const chat = await startChat(t, '怎么申请退款');
    expect((await ticketRow(t, chat.ticketId)).assignee_id).toBeNull();
    await say(t, chat, words);
    const lines = await timeline(t, chat.ticketId);
    expect(lines.at(-1)).toMatchObject({ kind: 'system', author_kind: 'bot', text: 'Handed to a person' });
    expect(JSON.parse(lines.at(-1)!.meta)).toMatchObject({ reason: 'asked' });
    // The agent now sees the whole exchange: question, answer, request, handoff.
    expect(lines.map((l) => l.kind)).toEqual(['inbound', 'bot', 'inbound', 'bot', 'system']);
    expect(await ticketRow(t, chat.ticketId)).toMatchObject({ bot_active: 0, assignee_id: t.admin.agentId });
  });

  it('hands over on “Talk to a person” and shows agents the bot’s lines through the API', async () => {
    const chat = await startChat(t, '能开发票吗');
    await press(t, chat, 'human');
    expect(await ticketRow(t, chat.ticketId)).toMatchObject({ bot_active: 0, assignee_id: t.admin.agentId });
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${chat.ticketId}/messages`, headers: t.admin.headers });
    const items = res.json<{ items: Array<{ kind: string; author: { kind: string }; meta: Record<string, unknown> }> }>().items;
    expect(items.filter((m) => m.author.kind === 'bot').map((m) => m.kind)).toEqual(['bot', 'bot', 'system']);
    expect(items.at(-1)!.meta).toEqual({ event: 'bot.handoff', reason: 'button' });
  });

  it('closes the chat as solved: resolved, counted as deflected, and the article’s resolution counted', async () => {
    const before = await articleCount('refund');
    const chat = await startChat(t, '怎么退钱');
    await press(t, chat, 'solved');
    expect(await ticketRow(t, chat.ticketId)).toMatchObject({ status: 'resolved', bot_active: 0, bot_deflected: 1, assignee_id: null });
    expect(await articleCount('refund')).toEqual({ bot_used: before.bot_used + 1, bot_resolved: before.bot_resolved + 1 });
    expect((await timeline(t, chat.ticketId)).at(-1)).toMatchObject({ kind: 'system', text: 'Solved by the answer bot' });
  });

  it('does not count a deflection once an agent has replied', async () => {
    const chat = await startChat(t, '怎么申请退款');
    const reply = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${chat.ticketId}/messages`, headers: t.admin.headers, payload: { kind: 'reply', text: '我来帮您' } });
    expect(reply.statusCode, reply.body).toBe(201);
    await press(t, chat, 'solved');
    expect(await ticketRow(t, chat.ticketId)).toMatchObject({ bot_active: 0, bot_deflected: 0, status: 'open' });
  });

  it('answers again on demand, taking a queued chat back from the queue', async () => {
    setPresence(t, t.admin.agentId, 'offline');
    const chat = await startChat(t, '转人工');
    expect(await ticketRow(t, chat.ticketId)).toMatchObject({ bot_active: 0 });
    await say(t, chat, '怎么申请退款');
    expect((await timeline(t, chat.ticketId)).filter((l) => l.kind === 'bot')).toHaveLength(1);
    await press(t, chat, 'ask');
    const bots = (await timeline(t, chat.ticketId)).filter((l) => l.kind === 'bot');
    expect(JSON.parse(bots.at(-1)!.meta)).toMatchObject({ bot: { kind: 'answer' } });
    const queued = await t.ctx.db.selectFrom('assignment_tickets').select('waiting_since').where('ticket_id', '=', chat.ticketId).executeTakeFirstOrThrow();
    expect(queued.waiting_since).toBeNull();
    setPresence(t, t.admin.agentId, 'online');
  });

  it('does nothing with the bot off: no bot line, the chat goes straight to an agent', async () => {
    await setBot(t, { enabled: false });
    const chat = await startChat(t, '怎么申请退款');
    expect((await timeline(t, chat.ticketId)).map((l) => l.kind)).toEqual(['inbound']);
    expect(await ticketRow(t, chat.ticketId)).toMatchObject({ bot_active: 0, assignee_id: t.admin.agentId });
    await setBot(t, { enabled: true });
  });
});
