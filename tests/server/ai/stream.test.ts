import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ssePayloads } from '../../../server/modules/ai/client.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { startFakeOpenAi, type FakeOpenAi } from '../../helpers/fake-openai.js';

/** The chunks as a response body delivers them, one read each. */
function streamOf(parts: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
}
import { as, inboundTicket } from '../tickets/fixtures.js';

async function payloads(chunks: string[]): Promise<string[]> {
  const bytes = new TextEncoder().encode(chunks.join(''));
  // Re-cut the bytes where the chunks said, so a cut may fall inside a multi-byte character.
  const sizes = chunks.map((c) => new TextEncoder().encode(c).length);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const n of sizes) parts.push(bytes.slice(at, (at += n)));
  const out: string[] = [];
  for await (const p of ssePayloads(streamOf(parts))) out.push(p);
  return out;
}

describe('reading the completion stream', () => {
  it.each([
    ['one event per chunk', ['data: a\n\n', 'data: b\n\n'], ['a', 'b']],
    ['CRLF line ends', ['data: a\r\n\r\ndata: b\r\n\r\n'], ['a', 'b']],
    ['an event split mid-line', ['da', 'ta: {"x"', ':1}\n', '\n'], ['{"x":1}']],
    ['comments and other fields', [': keep-alive\n\nevent: message\nid: 7\ndata: a\n\n'], ['a']],
    ['a last event without its blank line', ['data: a\n\ndata: [DONE]\n'], ['a', '[DONE]']],
  ])('%s', async (_name, chunks, expected) => {
    expect(await payloads(chunks)).toEqual(expected);
  });

  it('keeps a character whose bytes arrive in two chunks', async () => {
    const encoded = new TextEncoder().encode('data: 退款\n\n');
    const out: string[] = [];
    for await (const p of ssePayloads(streamOf([encoded.slice(0, 8), encoded.slice(8)]))) out.push(p);
    expect(out).toEqual(['退款']);
  });
});

describe('streams that go wrong, and long tickets', () => {
  let t: TestApp;
  let ai: FakeOpenAi;
  beforeAll(async () => {
    ai = await startFakeOpenAi();
    t = await createTestApp({ ai: { base_url: ai.url, model: 'test-model', max_messages: 3 } });
  });
  afterAll(async () => {
    await t.close();
    await ai.close();
  });

  const post = async (url: string) => {
    const res = await t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: t.admin.headers });
    return { status: res.statusCode, body: res.body };
  };

  it('ends a stream the AI service dropped mid-way with an error event after the pieces it had sent', async () => {
    const ticket = await inboundTicket(t, { text: 'Is the shop open on Sunday?' });
    ai.reply(['Yes, ', 'from 10 to 4.']);
    ai.cutNext();
    const r = await post(`/tickets/${ticket.ticketId}/ai/draft`);
    expect(r.status).toBe(200);
    const events = r.body.split('\n\n').filter(Boolean);
    expect(events[0]).toBe('event: delta\ndata: {"text":"Yes, "}');
    expect(events.at(-1)).toMatch(/^event: error\ndata: \{"code":"ai_unavailable","message":"No draft: .*","reason":"unavailable"\}$/);
    expect(events).toHaveLength(2);
  });

  it('summarises a long ticket from its opening message and the newest ones', async () => {
    const ticket = await inboundTicket(t, { text: 'OPENING: my order #5512 never arrived.' });
    for (let i = 1; i <= 5; i++) {
      expect((await as(t, t.admin).post(`/tickets/${ticket.ticketId}/messages`, { kind: 'note', text: `step ${i}` })).status).toBe(201);
    }
    const before = ai.requests.length;
    expect((await post(`/tickets/${ticket.ticketId}/ai/summary`)).status).toBe(200);
    const user = ai.requests[before]!.body.messages.find((m) => m.role === 'user')!.content;
    expect(user).toContain('OPENING: my order #5512 never arrived.');
    expect(user).toContain('(2 earlier messages left out)');
    expect(user).not.toContain('step 2');
    expect(user.indexOf('step 3')).toBeLessThan(user.indexOf('step 4'));
    expect(user.indexOf('step 4')).toBeLessThan(user.indexOf('step 5'));
  });
});
