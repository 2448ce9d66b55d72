import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake } from '../../../server/intake/intake.js';
import type { SearchResult } from '../../../server/search/schemas.js';
import { matchingTicketIds } from '../../../server/search/service.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { postgresUnavailable, usePostgres } from '../../helpers/postgres.js';

/**
 * One corpus indexed by both drivers, searched with the same queries: the hits must be the same.
 * The ranking blends match quality (bm25 on SQLite, ts_rank on PostgreSQL, which differ) with
 * status, ownership and recency (rank.ts). The corpus puts every ticket in one of three tiers
 * whose scores lie further apart than match quality and a subject hit can move a ticket, so the
 * order of the tiers is what SQLite's ranking fixes, and it must be the same on PostgreSQL.
 */

type Tier = 'mine' | 'open' | 'closed';

interface Doc {
  subject: string;
  text: string;
  from: { email: string; name: string; phone?: string };
  tier: Tier;
}

const CORPUS: Doc[] = [
  { subject: 'Refund request for order 10023', text: 'Hi, I was charged twice. Please refund one payment.', from: { email: 'jane@example.com', name: 'Jane Doe' }, tier: 'mine' },
  { subject: 'Refunded already?', text: 'The refunded amount never arrived at my café account.', from: { email: 'pierre@example.fr', name: 'Pierre Dupré' }, tier: 'open' },
  { subject: 'Über shipping', text: 'Shipping to München takes forever; tracking shows nothing.', from: { email: 'uwe@example.de', name: 'Uwe Müller' }, tier: 'closed' },
  { subject: 'Prefix refuse', text: 'I refuse to pay the reference fee. A single letter: r.', from: { email: 'sam@example.com', name: 'Sam Reed' }, tier: 'open' },
  { subject: '申请退款', text: '你好，我想申请退款，订单号 20231101，东西坏了。', from: { email: 'zhangwei@example.cn', name: '张伟', phone: '+86 138-0013-8000' }, tier: 'mine' },
  { subject: '发货太慢', text: '我的包裹三天了还没发货，物流单号查不到，请退一步说话，申请后再退款。', from: { email: 'wangfang@example.cn', name: '王芳' }, tier: 'closed' },
  { subject: '退貨申請', text: '您好，我要退貨，訂單編號 77821，商品有瑕疵。', from: { email: 'chen@example.tw', name: '陳美玲', phone: '0912-345-678' }, tier: 'open' },
  { subject: '帳號問題', text: '我無法登入帳號，請幫忙重設密碼。', from: { email: 'lin@example.tw', name: '林志明' }, tier: 'mine' },
  { subject: 'iPhone 退款 question', text: 'My iPhone 15 broke, 我要退款 please, order 20231101.', from: { email: 'li.na@example.com', name: 'Li Na 李娜' }, tier: 'closed' },
  { subject: '注文のキャンセル', text: '注文をキャンセルしたいです。返金はいつになりますか？', from: { email: 'tanaka@example.jp', name: '田中太郎' }, tier: 'open' },
  { subject: '환불 요청', text: '주문한 상품이 파손되어 환불을 요청합니다.', from: { email: 'kim@example.kr', name: '김민수' }, tier: 'closed' },
  { subject: 'Call me back', text: 'Reach me on +1 (415) 555-0199 or mail bob.stone@example.com.', from: { email: 'bob.stone@example.com', name: 'Bob Stone', phone: '+1 415 555 0199' }, tier: 'mine' },
];

const QUERIES = [
  'refund', 'refun', 'REFUNDED', 'ref', 'r', 'cafe', 'CAFÉ', 'uber', 'münchen', 'tracking shows',
  '退款', '退', '申请退款', '请退款', '退貨', '貨', '訂單', '订单', '帳號', '号',
  'iPhone 退款', 'order 20231101', '20231101', 'キャンセル', '返金', '환불',
  'zhangwei', 'example', 'example.cn', 'bob.stone@example.com', '13800138000', '415', '0912', '陳美玲', '田中', 'Müller',
  'nothing matches this', '退款 refuse', '…',
];

const TIER_ORDER: Tier[] = ['mine', 'open', 'closed'];

interface Desk {
  t: TestApp;
  tierOf: Map<number, Tier>;
}

async function desk(database: Record<string, unknown>): Promise<Desk> {
  const t = await createTestApp({ database });
  const tierOf = new Map<number, Tier>();
  const now = Date.now();
  for (const [i, doc] of CORPUS.entries()) {
    const r = await intake(t.ctx, {
      channel: { kind: 'email', name: 'support' },
      sender: { identity: { kind: 'email', value: doc.from.email }, name: doc.from.name, email: doc.from.email, ...(doc.from.phone ? { phone: doc.from.phone } : {}) },
      subject: doc.subject,
      text: doc.text,
      idempotencyKey: `drivers-${i}`,
    });
    if (doc.from.phone) await t.ctx.db.updateTable('contacts').set({ phone: doc.from.phone }).where('id', '=', r.contactId).execute();
    await t.ctx.db
      .updateTable('tickets')
      .set({
        status: doc.tier === 'closed' ? 'closed' : 'open',
        assignee_id: doc.tier === 'mine' ? t.admin.agentId : null,
        last_activity_at: doc.tier === 'closed' ? now - 365 * 86_400_000 : now,
      })
      .where('id', '=', r.ticketId)
      .execute();
    tierOf.set(r.ticketId, doc.tier);
  }
  return { t, tierOf };
}

/** What must be equal on both drivers for one query: each tier's hits in tier order, and the contacts, as sets. */
async function outcome(d: Desk, q: string) {
  const res = await d.t.app.inject({ method: 'GET', url: `/api/v1/search?${new URLSearchParams({ q, limit: '50' })}`, headers: { cookie: d.t.admin.cookie } });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json<SearchResult>();
  const tiers = body.hits.map((h) => d.tierOf.get(h.ticket.id)!);
  const byTier = TIER_ORDER.map((tier) =>
    body.hits
      .filter((h) => d.tierOf.get(h.ticket.id) === tier)
      .map((h) => `${h.ticket.subject} | ${h.snippet} | ${h.matchingMessages} | ${h.subjectMatched}`)
      .sort(),
  );
  const listed = await matchingTicketIds(d.t.ctx, d.t.ctx.db, q);
  const subjects = new Map(body.hits.map((h) => [h.ticket.id, h.ticket.subject]));
  const ticketRows = listed.length ? await d.t.ctx.db.selectFrom('tickets').select(['id', 'subject']).where('id', 'in', listed).execute() : [];
  for (const r of ticketRows) subjects.set(r.id, r.subject);
  return {
    tiersInOrder: tiers.filter((tier, i) => tiers.indexOf(tier) === i),
    tiersSorted: [...tiers].sort((a, b) => TIER_ORDER.indexOf(a) - TIER_ORDER.indexOf(b)).join(',') === tiers.join(','),
    byTier,
    contacts: body.contacts.map((c) => c.snippet).sort(),
    listFilter: listed.map((id) => subjects.get(id)).sort(),
    nextCursor: body.nextCursor,
  };
}

describe.skipIf(postgresUnavailable() !== null)('search on SQLite and PostgreSQL', () => {
  const postgres = usePostgres();
  let sqlite: Desk;
  let pg: Desk;

  beforeAll(async () => {
    sqlite = await desk({ driver: 'sqlite' });
    pg = await desk({ driver: 'postgres', url: await postgres.freshDatabase(), pool_size: 4 });
  }, 60_000);

  afterAll(async () => {
    await sqlite?.t.close();
    await pg?.t.close();
  });

  it('finds the same tickets, messages and contacts for every query, in the same tier order', async () => {
    let found = 0;
    for (const q of QUERIES) {
      const expected = await outcome(sqlite, q);
      expect(expected.tiersSorted, q).toBe(true);
      expect(await outcome(pg, q), q).toEqual(expected);
      found += expected.byTier.flat().length;
    }
    // The corpus is searched, not skipped past: most queries find something.
    expect(found).toBeGreaterThan(30);
  });

  it('finds a phrase of bigrams only where they stand together, on both drivers', async () => {
    // 发货太慢's message holds 请退 and 退款 apart; only 申请退款 holds 请退款 in a row.
    for (const d of [sqlite, pg]) {
      const r = (await outcome(d, '请退款')).byTier.flat().map((line) => line.split(' | ')[0]);
      expect(r).toEqual(['申请退款']);
    }
  });
});
