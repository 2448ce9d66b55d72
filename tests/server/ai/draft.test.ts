import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../helpers/app.js';
import { startFakeOpenAi, type FakeOpenAi } from '../../helpers/fake-openai.js';
import { as, inboundTicket, makeTeam } from '../tickets/fixtures.js';
import { makeArticle } from '../kb/fixtures.js';

let t: TestApp;
let ai: FakeOpenAi;
let agent: Session;

beforeAll(async () => {
  ai = await startFakeOpenAi();
  t = await createTestApp({ ai: { base_url: ai.url, model: 'test-model', api_key: 'sk-test-123', business_name: 'Acme Outdoor' } });
  agent = await t.signIn('agent');
  await makeArticle(t, { title: '如何申请退款', body: '在订单页点击「申请退款」，款项 3 个工作日内原路退回。', locale: 'zh-CN', status: 'published' });
  await makeArticle(t, { title: '如何开发票', body: '在订单页申请开具发票。', locale: 'zh-CN', status: 'published' });
});
afterAll(async () => {
  await t.close();
  await ai.close();
});

/** POSTs as the agent and splits a text/event-stream answer into its events. */
async function post(session: Session, url: string) {
  const res = await t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: session.headers });
  const events = res.headers['content-type']?.toString().startsWith('text/event-stream')
    ? res.body
        .split('\n\n')
        .filter(Boolean)
        .map((block) => {
          const [event, data] = block.split('\n');
          return { event: event!.replace('event: ', ''), data: JSON.parse(data!.replace('data: ', '')) as Record<string, string> };
        })
    : [];
  return { status: res.statusCode, res, events };
}

describe('AI reply drafts', () => {
  it("grounds the prompt in the matched article and the customer's last message, without internal notes", async () => {
    const ticket = await inboundTicket(t, { subject: '退货', text: '你好，我买的帐篷坏了，想申请退款，怎么操作？' });
    const note = await as(t, agent).post(`/tickets/${ticket.ticketId}/messages`, { kind: 'note', text: 'SECRET-NOTE: 客户是 VIP' });
    expect(note.status).toBe(201);
    const before = ai.requests.length;
    const r = await post(agent, `/tickets/${ticket.ticketId}/ai/draft`);
    expect(r.status).toBe(200);
    const sent = ai.requests[before]!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.authorization).toBe('Bearer sk-test-123');
    expect(sent.body).toMatchObject({ model: 'test-model', stream: true });
    const prompt = sent.body.messages.map((m) => m.content).join('\n');
    expect(prompt).toContain('如何申请退款');
    expect(prompt).toContain('款项 3 个工作日内原路退回');
    expect(prompt).toContain('你好，我买的帐篷坏了，想申请退款，怎么操作？');
    expect(prompt).toContain('Acme Outdoor');
    expect(prompt).not.toContain('SECRET-NOTE');
    expect(prompt).not.toContain('如何开发票');
  });

  it('relays the streamed pieces in order, then done', async () => {
    const ticket = await inboundTicket(t, { text: 'Where is my order?' });
    ai.reply(['您好', '，退款', '已提交。']);
    const r = await post(agent, `/tickets/${ticket.ticketId}/ai/draft`);
    expect(r.res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(r.events).toEqual([
      { event: 'delta', data: { text: '您好' } },
      { event: 'delta', data: { text: '，退款' } },
      { event: 'delta', data: { text: '已提交。' } },
      { event: 'done', data: {} },
    ]);
    // Drafting sends nothing: the ticket still has only the customer's message.
    const detail = await as(t, agent).get<{ items: unknown[] }>(`/tickets/${ticket.ticketId}/messages`);
    expect(detail.body.items).toHaveLength(1);
  });

  it('turns an upstream 500 into a clear 502 error', async () => {
    const ticket = await inboundTicket(t, { text: 'Hello?' });
    ai.failNext(500, { error: { message: 'model overloaded' } });
    const r = await post(agent, `/tickets/${ticket.ticketId}/ai/draft`);
    expect(r.status).toBe(502);
    expect(r.res.json()).toEqual({
      error: {
        code: 'ai_unavailable',
        message: 'No draft: the AI service answered HTTP 500 (model overloaded). Try again, or write the reply yourself.',
        details: { reason: 'unavailable', upstreamStatus: 500 },
      },
    });
  });

  it("answers 404 for another agent's ticket this agent may not see, without calling the AI service", async () => {
    const other = await t.signIn('agent');
    const team = await makeTeam(t, 'Elsewhere', [other.agentId]);
    const ticket = await inboundTicket(t, { text: '申请退款' });
    expect((await as(t, t.admin).patch(`/tickets/${ticket.ticketId}`, { teamId: team, assigneeId: other.agentId })).status).toBe(200);
    const before = ai.requests.length;
    expect((await post(agent, `/tickets/${ticket.ticketId}/ai/draft`)).status).toBe(404);
    expect((await post(agent, `/tickets/${ticket.ticketId}/ai/summary`)).status).toBe(404);
    expect(ai.requests.length).toBe(before);
    expect((await post(other, `/tickets/${ticket.ticketId}/ai/draft`)).status).toBe(200);
  });

  it('summarises with internal notes included and labelled, in the agent’s language', async () => {
    const ticket = await inboundTicket(t, { text: 'My tent pole snapped on day one.' });
    await as(t, agent).post(`/tickets/${ticket.ticketId}/messages`, { kind: 'note', text: 'Offered a replacement pole by phone.' });
    const before = ai.requests.length;
    ai.reply(['- Pole snapped', '\n- Replacement offered']);
    const r = await post(agent, `/tickets/${ticket.ticketId}/ai/summary`);
    expect(r.events.map((e) => e.data.text ?? '').join('')).toBe('- Pole snapped\n- Replacement offered');
    const prompt = ai.requests[before]!.body.messages.map((m) => m.content).join('\n');
    expect(prompt).toContain('[Internal note');
    expect(prompt).toContain('Offered a replacement pole by phone.');
    expect(prompt).toContain('My tent pole snapped on day one.');
    expect(prompt).toContain('Write in English');
  });

  it('says the feature is on', async () => {
    expect(await as(t, agent).get('/ai')).toEqual({ status: 200, body: { enabled: true, model: 'test-model' } });
  });

  it('documents the routes in /api/docs', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/tickets/{id}/ai/draft', '/api/v1/tickets/{id}/ai/summary']));
  });
});
