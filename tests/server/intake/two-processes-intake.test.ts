import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake } from '../../../server/intake/intake.js';
import type { InboundMessage } from '../../../server/intake/types.js';
import { createPeerApp, createTestApp, testDriver, type TestApp } from '../../helpers/app.js';

/** A message from `sender`; a sender's second message continues the conversation its first opened. */
const message = (sender: string, n: number): InboundMessage => ({
  channel: { kind: 'api', name: 'shop' },
  sender: { identity: { kind: 'email', value: `${sender}@example.test` }, name: sender },
  text: `Where is order ${n}?`,
  idempotencyKey: `${sender}-${n}`,
});

// Two processes on one database (two `kefu serve` behind a balancer) each group their concurrent
// intakes into shared transactions; the other's commit can land in between. Only PostgreSQL is
// shared that way: a SQLite data directory belongs to one process (kefu.lock).
describe.skipIf(testDriver() !== 'postgres')('intake from two processes at once', () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    first = await createTestApp();
    second = await createPeerApp(first);
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('stores every message, gives every new ticket its own number, and one contact per sender', async () => {
    const senders = Array.from({ length: 150 }, (_, i) => `customer${i}`);
    // Each sender writes twice, once to each process, all at the same time.
    const results = await Promise.all(
      senders.flatMap((s, i) => [intake(first.ctx, message(s, i)), intake(second.ctx, message(s, i + 100))]),
    );
    expect(results.every((r) => r.created)).toBe(true);
    const tickets = await first.ctx.db.selectFrom('tickets').select(['id', 'number']).execute();
    expect(new Set(tickets.map((t) => t.number)).size).toBe(tickets.length);
    const contacts = await first.ctx.db.selectFrom('contact_identities').select('contact_id').where('kind', '=', 'email').execute();
    expect(contacts).toHaveLength(senders.length);
    const messages = await first.ctx.db.selectFrom('messages').select('id').where('kind', '=', 'inbound').execute();
    expect(messages).toHaveLength(senders.length * 2);
  });
});
