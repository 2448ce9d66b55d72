import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { startFakeOpenAi, type FakeOpenAi } from '../../helpers/fake-openai.js';
import { inboundTicket } from '../tickets/fixtures.js';

let t: TestApp;
let ai: FakeOpenAi;
let base: string;

beforeAll(async () => {
  ai = await startFakeOpenAi();
  t = await createTestApp({ ai: { base_url: ai.url, model: 'test-model', timeout_seconds: 5 } });
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await ai.close();
  await t.close();
});

it('streams the first piece before the answer is complete, and a closed connection stops the upstream request', async () => {
  const ticket = await inboundTicket(t, { text: 'Can I return my boots?' });
  ai.reply(['Yes, ', 'within 30 days.']);
  const held = ai.holdNext();
  const req = request(`${base}/api/v1/tickets/${ticket.ticketId}/ai/draft`, { method: 'POST', headers: t.admin.headers });
  req.end();
  const res = await new Promise<import('node:http').IncomingMessage>((resolve) => req.on('response', resolve));
  expect(res.statusCode).toBe(200);
  const first = await new Promise<string>((resolve) => res.once('data', (b: Buffer) => resolve(b.toString('utf8'))));
  // The upstream still holds its second piece: this arrived streamed, not buffered.
  expect(first).toBe('event: delta\ndata: {"text":"Yes, "}\n\n');
  req.destroy();
  await held.closed;
  expect(ai.requests.at(-1)?.authorization).toBeUndefined();
});

it('cuts off a stream still running after timeout_seconds, with a timeout error, and closes the upstream request', async () => {
  const ticket = await inboundTicket(t, { text: 'Hello?' });
  ai.reply(['Hello, ', 'never sent']);
  const held = ai.holdNext();
  const res = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticket.ticketId}/ai/draft`, headers: t.admin.headers });
  await held.closed;
  const events = res.body.split('\n\n').filter(Boolean);
  expect(events).toEqual([
    'event: delta\ndata: {"text":"Hello, "}',
    'event: error\ndata: {"code":"ai_unavailable","message":"No draft: the AI service took too long to answer. Try again.","reason":"timeout"}',
  ]);
});
