import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake } from '../../../server/intake/intake.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';

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
    const cli = new SqliteDatabase(t.ctx.database.file, { fileMustExist: true });
    try {
      const at = Date.now();
      cli
        .prepare(
          `insert into webhooks (url, secret, events, enabled, created_at, updated_at)
           values ('http://127.0.0.1:9/cli-hook', 'cli-secret-0123456789abcdef', '["contact.created"]', 1, ?, ?)`,
        )
        .run(at, at);
    } finally {
      cli.close();
    }
    await inbound();
    expect(busyAt.get('contact.created')).toBe(true);
    expect((await deliveries()).slice(before)).toContain('contact.created');
  });
});
