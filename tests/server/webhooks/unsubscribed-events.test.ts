import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../../server/context.js';
import { intake } from '../../../server/intake/intake.js';
import { createLogger } from '../../../server/logger.js';
import { WANTED_TTL_MS } from '../../../server/modules/webhooks/postgres-fanout.js';
import { createTestApp, testDriver, type TestApp } from '../../helpers/app.js';

let t: TestApp;
/** Whether the fan-out had work queued when each event reached the bus listeners after it. */
const busyAt = new Map<string, boolean>();
let seq = 0;

beforeAll(async () => {
  t = await createTestApp({ webhooks: { allow_private_networks: true } });
  // Registered after the fan-out's own listener, so it sees what handing the event over did.
  t.ctx.bus.on('*', (e) => {
    busyAt.set(e.type, t.ctx.webhooks.busy);
  });
});
afterAll(async () => {
  await t?.close();
});

const inbound = () =>
  intake(t.ctx, {
    channel: { kind: 'email', name: 'support' },
    sender: { identity: { kind: 'email', value: `ann${++seq}@example.org` }, name: 'Ann' },
    subject: `Order ${seq}`,
    text: 'Where is my parcel?',
    idempotencyKey: `unsubscribed-${seq}`,
  });

async function deliveries(): Promise<string[]> {
  await t.ctx.webhooks.idle();
  return (await t.ctx.db.selectFrom('webhook_deliveries').select('event').orderBy('id').execute()).map((r) => r.event);
}

describe('webhook fan-out of events nobody subscribes to', () => {
  it('queues no write for an event without a subscriber', async () => {
    // Judged by a set of wanted events read just now (PostgreSQL trusts its copy for a short while only).
    await t.ctx.webhooks.changed();
    await inbound();
    expect(busyAt.get('message.created')).toBe(false);
    expect(busyAt.get('ticket.created')).toBe(false);
    expect(await deliveries()).toEqual([]);
  });

  it('delivers an event as soon as a webhook subscribes to it, and stops once it is changed away', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: t.admin.headers, payload: { url: 'http://127.0.0.1:9/hook', events: ['message.created'] } });
    expect(res.statusCode, res.body).toBe(201);
    const { id } = res.json<{ webhook: { id: number } }>().webhook;
    await inbound();
    expect(busyAt.get('message.created')).toBe(true);
    expect(busyAt.get('ticket.created')).toBe(false);
    expect(await deliveries()).toEqual(['message.created']);

    const patch = await t.app.inject({ method: 'PATCH', url: `/api/v1/webhooks/${id}`, headers: t.admin.headers, payload: { events: ['ticket.created'] } });
    expect(patch.statusCode, patch.body).toBe(200);
    await inbound();
    expect(await deliveries()).toEqual(['message.created', 'ticket.created']);
  });

  it('sees a webhook another connection wrote (a CLI next to the server) at the next event', async () => {
    const before = (await deliveries()).length;
    const cli = await createContext(t.config, createLogger('silent', { pretty: false }));
    try {
      const at = Date.now();
      await cli.db
        .insertInto('webhooks')
        .values({ url: 'http://127.0.0.1:9/cli-hook', secret: 'cli-secret-0123456789abcdef', events: '["contact.created"]', enabled: 1, created_at: at, updated_at: at })
        .execute();
    } finally {
      await cli.close();
    }
    // SQLite sees the other connection's commit at once (data_version); PostgreSQL trusts its set
    // of wanted events for WANTED_TTL_MS, after which the next event reads it again.
    if (testDriver() === 'postgres') await new Promise((resolve) => setTimeout(resolve, WANTED_TTL_MS + 50));
    await inbound();
    expect(busyAt.get('contact.created')).toBe(true);
    expect((await deliveries()).slice(before)).toContain('contact.created');
  });
});
