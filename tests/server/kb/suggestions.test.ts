import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Suggestions } from '../../../server/modules/kb/suggestions.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/app.js';
import { as, inboundTicket, makeTeam } from '../tickets/fixtures.js';
import { makeArticle } from './fixtures.js';

let t: TestApp;
let agent: Session;
const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestApp();
  agent = await t.signIn('agent');
  ids.refund = (await makeArticle(t, { title: '如何申请退款', body: '在订单页点击「申请退款」。', locale: 'zh-CN', status: 'published', questions: ['怎么退钱'] })).id;
  ids.invoice = (await makeArticle(t, { title: '如何开发票', body: '在订单页申请开具发票。', locale: 'zh-CN', status: 'published' })).id;
  ids.draft = (await makeArticle(t, { title: '退款草稿', body: '退款', locale: 'zh-CN', status: 'draft' })).id;
  ids.en = (await makeArticle(t, { title: 'Requesting a refund', body: 'Open the order and press Refund.', locale: 'en', status: 'published' })).id;
  await as(t, t.admin).post('/canned-replies', { shortcut: 'refund', title: '退款处理中', body: '您好，您的退款申请已提交，预计 1–3 个工作日到账。' });
  await as(t, t.admin).post('/canned-replies', { shortcut: 'hello', title: 'Greeting', body: 'Hi {{contact.name}}!' });
});
afterAll(async () => t.close());

const suggest = (session: Session, ticketId: number) => as(t, session).get<Suggestions>(`/kb/suggestions?ticketId=${ticketId}`);

describe('reply suggestions', () => {
  it("ranks published articles and canned replies against the customer's last message", async () => {
    const ticket = await inboundTicket(t, { subject: '订单问题', text: '你好，我上周买的鞋子不合适，想申请退款，要怎么操作？' });
    const res = await suggest(agent, ticket.ticketId);
    expect(res.status).toBe(200);
    expect(res.body.basedOn).toBe('你好，我上周买的鞋子不合适，想申请退款，要怎么操作？');
    expect(res.body.articles[0]?.id).toBe(ids.refund);
    expect(res.body.articles.map((a) => a.id)).not.toContain(ids.draft);
    expect(res.body.cannedReplies.map((c) => c.shortcut)).toEqual(['refund']);
  });

  it('matches English messages word by word', async () => {
    const ticket = await inboundTicket(t, { subject: 'Help', text: 'Hello, how can I get a refund for my order please?' });
    const res = await suggest(agent, ticket.ticketId);
    expect(res.body.articles.map((a) => a.id)).toEqual([ids.en]);
  });

  it('answers 404 for a ticket the agent may not see', async () => {
    const other = await t.signIn('agent');
    const team = await makeTeam(t, 'Elsewhere', [other.agentId]);
    const ticket = await inboundTicket(t, { text: '申请退款' });
    const moved = await as(t, t.admin).patch(`/tickets/${ticket.ticketId}`, { teamId: team, assigneeId: other.agentId });
    expect(moved.status).toBe(200);
    expect((await suggest(agent, ticket.ticketId)).status).toBe(404);
    expect((await suggest(t.admin, ticket.ticketId)).status).toBe(200);
  });
});
