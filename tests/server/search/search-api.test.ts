import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake } from '../../../server/intake/intake.js';
import type { InboundMessage } from '../../../server/intake/types.js';
import { matchingTicketIds } from '../../../server/search/service.js';
import type { SearchResult } from '../../../server/search/schemas.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/app.js';

let t: TestApp;
let agent: Session;
let seq = 0;
const tickets: Record<string, { ticketId: number; messageId: number; contactId: number }> = {};

function inbound(from: { kind: 'email' | 'widget' | 'wechat'; value: string; name: string }, subject: string, text: string): InboundMessage {
  return {
    channel: from.kind === 'email' ? { kind: 'email', name: 'support' } : { kind: from.kind, name: from.kind },
    sender: { identity: { kind: from.kind, value: from.value }, name: from.name, email: from.kind === 'email' ? from.value : undefined },
    subject,
    text,
    idempotencyKey: `search-test-${++seq}`,
  };
}

async function search(q: string, session: Session = t.admin, limit?: number): Promise<SearchResult> {
  const query = new URLSearchParams({ q, ...(limit ? { limit: String(limit) } : {}) });
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/search?${query}`, headers: { cookie: session.cookie } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<SearchResult>();
}

const messageIds = (r: SearchResult) => r.messages.map((m) => m.messageId);

beforeAll(async () => {
  t = await createTestApp();
  agent = await t.signIn('agent');
  const data: Array<[string, InboundMessage]> = [
    ['refund-zh', inbound({ kind: 'email', value: 'zhangwei@example.cn', name: '张伟' }, '申请退款', '你好，我想申请退款，订单号 20231101，东西坏了。')],
    ['system-zh', inbound({ kind: 'wechat', value: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M', name: '李娜' }, '工单管理系统怎么用', '请问工单管理系统在哪里设置自动分配？')],
    ['shipping-zh', inbound({ kind: 'widget', value: 'visitor-77', name: '王芳' }, '发货太慢', '我的包裹三天了还没发货，物流单号查不到')],
    ['cancel-ja', inbound({ kind: 'email', value: 'tanaka@example.jp', name: '田中太郎' }, '注文のキャンセル', '注文をキャンセルしたいです。返金はいつになりますか？')],
    ['refund-ko', inbound({ kind: 'email', value: 'kim@example.kr', name: '김민수' }, '환불 요청', '주문한 상품이 파손되어 환불을 요청합니다.')],
    ['refund-en', inbound({ kind: 'email', value: 'jane@example.com', name: 'Jane Doe' }, 'Refund request for order 10023', 'Hi, I was charged twice. Please refund <b>one</b> payment.')],
    ['shipping-en', inbound({ kind: 'email', value: 'bob@example.com', name: 'Bob Stone' }, 'Where is my package?', 'The tracking number shows nothing. Shipping is delayed.')],
  ];
  for (const [key, msg] of data) {
    const r = await intake(t.ctx, msg);
    tickets[key] = { ticketId: r.ticketId, messageId: r.messageId, contactId: r.contactId };
  }
  // Assigned to the admin: outside a plain agent's scope.
  await t.ctx.db.updateTable('tickets').set({ assignee_id: t.admin.agentId }).where('id', '=', tickets['refund-en']!.ticketId).execute();
});

afterAll(async () => {
  await t.close();
});

describe('GET /api/v1/search', () => {
  it.each([
    ['退款', 'refund-zh'],
    ['申请退款', 'refund-zh'],
    ['工单管理', 'system-zh'],
    ['管理系统', 'system-zh'],
    ['发货', 'shipping-zh'],
    ['キャンセル', 'cancel-ja'],
    ['返金', 'cancel-ja'],
    ['환불', 'refund-ko'],
    ['charged', 'refund-en'],
    ['charg', 'refund-en'],
    ['TRACKING', 'shipping-en'],
  ])('finds %j in a message', async (q, key) => {
    const r = await search(q);
    expect(messageIds(r)).toContain(tickets[key]!.messageId);
  });

  it('finds one- and two-character Chinese queries', async () => {
    expect(messageIds(await search('坏'))).toEqual([tickets['refund-zh']!.messageId]);
    expect(messageIds(await search('物流'))).toEqual([tickets['shipping-zh']!.messageId]);
    const single = await search('货');
    expect(single.messages[0]!.snippet).toContain('<mark>货</mark>');
  });

  it('matches whole CJK sequences, not characters scattered around', async () => {
    // 退 and 款 both occur in the refund ticket, but never as 款退.
    expect(messageIds(await search('款退'))).toEqual([]);
    expect(messageIds(await search('工单系统'))).toEqual([]);
  });

  it('matches English words whole or as prefixes, never inside a word', async () => {
    expect(messageIds(await search('arged'))).toEqual([]);
    expect(messageIds(await search('refund payment'))).toEqual([tickets['refund-en']!.messageId]);
    expect(messageIds(await search('refund nothing'))).toEqual([]);
  });

  it('returns matching tickets by subject and number, and contacts by name, email or identity text', async () => {
    const r = await search('退款');
    expect(r.tickets.map((x) => x.ticket.id)).toEqual([tickets['refund-zh']!.ticketId]);
    expect(r.tickets[0]!.snippet).toContain('<mark>退款</mark>');

    const number = r.tickets[0]!.ticket.number;
    expect((await search(`#${number}`)).tickets.map((x) => x.ticket.number)).toContain(number);

    const contacts = await search('田中');
    expect(contacts.contacts.map((c) => c.contact.id)).toEqual([tickets['cancel-ja']!.contactId]);
    expect(contacts.contacts[0]!.snippet).toContain('<mark>田中</mark>');
    expect((await search('zhangwei')).contacts.map((c) => c.contact.id)).toEqual([tickets['refund-zh']!.contactId]);
  });

  it('marks hits and escapes everything else in snippets', async () => {
    const r = await search('refund');
    const hit = r.messages.find((m) => m.messageId === tickets['refund-en']!.messageId);
    expect(hit?.snippet).toBe('Hi, I was charged twice. Please <mark>refund</mark> &lt;b&gt;one&lt;/b&gt; payment.');
    expect(hit?.ticketNumber).toBeGreaterThan(1000);
  });

  it('ranks the message with more hits first', async () => {
    const extra = await intake(t.ctx, inbound({ kind: 'email', value: 'jane@example.com', name: 'Jane Doe' }, 'Another refund', 'refund refund refund, I want my refund'));
    // Alike in status and owner as the other refund ticket, so the match decides.
    await t.ctx.db.updateTable('tickets').set({ assignee_id: t.admin.agentId }).where('id', '=', extra.ticketId).execute();
    const r = await search('refund');
    expect(r.messages[0]!.messageId).toBe(extra.messageId);
  });

  it('hides tickets and messages outside the agent scope', async () => {
    const asAdmin = await search('charged');
    expect(messageIds(asAdmin)).toContain(tickets['refund-en']!.messageId);
    const asAgent = await search('charged', agent);
    expect(messageIds(asAgent)).toEqual([]);
    expect(asAgent.tickets).toEqual([]);
    // Unassigned tickets are every agent's.
    expect(messageIds(await search('退款', agent))).toContain(tickets['refund-zh']!.messageId);
  });

  it('keeps the index in step with edits and deletes, and rebuilds it', async () => {
    const id = tickets['shipping-en']!.messageId;
    await t.ctx.db.updateTable('messages').set({ text: 'Parcel arrived 已收到' }).where('id', '=', id).execute();
    expect(messageIds(await search('tracking'))).toEqual([]);
    expect(messageIds(await search('已收到'))).toEqual([id]);
    await t.ctx.db.updateTable('tickets').set({ subject: 'Parcel question' }).where('id', '=', tickets['shipping-en']!.ticketId).execute();
    expect((await search('parcel')).tickets.map((x) => x.ticket.id)).toEqual([tickets['shipping-en']!.ticketId]);

    const counts = await t.ctx.search.rebuild();
    expect(counts.messages).toBeGreaterThanOrEqual(8);
    expect(messageIds(await search('已收到'))).toEqual([id]);

    await t.ctx.db.deleteFrom('messages').where('id', '=', id).execute();
    expect(messageIds(await search('已收到'))).toEqual([]);
  });

  it('gives ticket ids for the ticket list filter, from subjects and messages', async () => {
    expect(await matchingTicketIds(t.ctx, t.ctx.db, '物流')).toEqual([tickets['shipping-zh']!.ticketId]);
    expect(await matchingTicketIds(t.ctx, t.ctx.db, '注文')).toEqual([tickets['cancel-ja']!.ticketId]);
    expect(await matchingTicketIds(t.ctx, t.ctx.db, '!!!')).toEqual([]);
  });

  it('answers a query with nothing searchable with empty lists, and refuses a missing q', async () => {
    expect(await search('!!! ???')).toEqual({ tickets: [], messages: [], contacts: [], hits: [], nextCursor: null });
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/search', headers: { cookie: t.admin.cookie } });
    expect(res.statusCode).toBe(400);
    const anon = await t.app.inject({ method: 'GET', url: '/api/v1/search?q=x' });
    expect(anon.statusCode).toBe(401);
  });
});
