import { expect } from 'vitest';
import { assignerOf } from '../../../server/modules/assignment/assigner.js';
import { answerBotOf } from '../../../server/modules/bot/answer-bot.js';
import type { WidgetMessageView } from '../../../server/channels/widget/protocol.js';
import type { TestApp } from '../../helpers/app.js';
import { Visitor, widgetApp } from '../channels/widget/helpers.js';
import { makeArticle } from '../kb/fixtures.js';

/** The bot's turns and the assignments they lead to, all finished. */
export async function settle(t: TestApp): Promise<void> {
  await answerBotOf(t.ctx).idle();
  await assignerOf(t.ctx).idle();
  await answerBotOf(t.ctx).idle();
}

export async function setBot(t: TestApp, patch: Record<string, unknown>): Promise<void> {
  const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/bot/settings/website', headers: t.admin.headers, payload: patch });
  expect(res.statusCode, res.body).toBe(200);
}

/** A widget desk with a small knowledge base in Chinese and English and the bot on. */
export async function botDesk(): Promise<TestApp> {
  const t = await widgetApp();
  await makeArticle(t, {
    title: '如何申请退款',
    locale: 'zh-CN',
    status: 'published',
    slug: 'refund',
    questions: ['怎么申请退款', '怎么退钱'],
    body: '## 退款\n\n在“我的订单”里找到订单，点击“申请退款”，我们会在三个工作日内处理。\n\n退款会原路返回。',
  });
  await makeArticle(t, { title: '发票怎么开', locale: 'zh-CN', status: 'published', questions: ['能开发票吗'], body: '在订单详情页点击“开发票”。' });
  await makeArticle(t, { title: 'Track your delivery', locale: 'en', status: 'published', body: 'Every delivery has a tracking link in the shipping email.' });
  await makeArticle(t, { title: 'Change the delivery address', locale: 'en', status: 'published', body: 'Before the parcel ships you can change the delivery address.' });
  await makeArticle(t, { title: 'Delivery times and costs', locale: 'en', status: 'published', body: 'Delivery takes two to five days; delivery is free above 50 euros.' });
  await makeArticle(t, { title: 'How do I get a refund?', locale: 'en', status: 'published', questions: ['I want my money back'], body: 'Open your order and press Request refund. We answer within three working days.' });
  await setBot(t, { enabled: true });
  return t;
}

export interface Chat {
  visitor: Visitor;
  ticketId: number;
}

export async function startChat(t: TestApp, text: string, language?: string): Promise<Chat> {
  const visitor = new Visitor(t);
  await visitor.start(language ? { language } : {});
  const sent = await visitor.send(text);
  expect(sent.statusCode, sent.body).toBe(200);
  const conversationId = sent.json<{ message: { conversationId: string } }>().message.conversationId;
  await settle(t);
  const row = await t.ctx.db.selectFrom('widget_conversations').select('ticket_id').where('id', '=', conversationId).executeTakeFirstOrThrow();
  return { visitor, ticketId: row.ticket_id! };
}

export async function say(t: TestApp, chat: Chat, text: string): Promise<void> {
  expect((await chat.visitor.send(text)).statusCode).toBe(200);
  await settle(t);
}

export async function press(t: TestApp, chat: Chat, action: 'ask' | 'solved' | 'human'): Promise<void> {
  const res = await chat.visitor.call('POST', '/bot', { action });
  expect(res.statusCode, res.body).toBe(202);
  await settle(t);
}

export const timeline = (t: TestApp, ticketId: number) =>
  t.ctx.db.selectFrom('messages').select(['kind', 'author_kind', 'text', 'meta']).where('ticket_id', '=', ticketId).orderBy('id').execute();

export const ticketRow = (t: TestApp, ticketId: number) =>
  t.ctx.db.selectFrom('tickets').select(['assignee_id', 'status', 'bot_active', 'bot_deflected']).where('id', '=', ticketId).executeTakeFirstOrThrow();

/** What the visitor's widget shows, once the outbox has delivered the bot's lines. */
export async function widgetHistory(t: TestApp, chat: Chat): Promise<WidgetMessageView[]> {
  while ((await t.ctx.outbox.runOnce()) > 0);
  const res = await chat.visitor.call('GET', '/messages');
  return res.json<{ items: WidgetMessageView[] }>().items;
}
