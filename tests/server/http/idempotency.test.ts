import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../helpers/app.js';
import { inboundTicket } from '../tickets/fixtures.js';

let t: TestApp;
let contactId: number;
beforeAll(async () => {
  t = await createTestApp();
  contactId = (await inboundTicket(t)).contactId;
});
afterAll(async () => {
  await t.close();
});

let seq = 0;
const newKey = () => `key-${++seq}-${Math.random().toString(36).slice(2)}`;

function post(session: Session, url: string, payload: object, key?: string) {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1${url}`,
    headers: { ...session.headers, ...(key === undefined ? {} : { 'idempotency-key': key }) },
    payload,
  });
}

async function count(table: 'messages' | 'tickets' | 'outbox', where?: ['ticket_id', number]): Promise<number> {
  let q = t.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n'));
  if (where) q = q.where(where[0] as never, '=', where[1] as never);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

describe('Idempotency-Key on agent writes', () => {
  it('sends a retried reply once and answers the retry with the first result', async () => {
    const { ticketId } = await inboundTicket(t);
    const key = newKey();
    const body = { kind: 'reply', text: 'Your parcel ships today.' };
    const outboxBefore = await count('outbox');
    const first = await post(t.admin, `/tickets/${ticketId}/messages`, body, key);
    const second = await post(t.admin, `/tickets/${ticketId}/messages`, body, key);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json().message.id).toBe(first.json().message.id);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await count('messages', ['ticket_id', ticketId])).toBe(2);
    expect(await count('outbox')).toBe(outboxBefore + 1);
  });

  it('writes a retried note once', async () => {
    const { ticketId } = await inboundTicket(t);
    const key = newKey();
    const a = await post(t.admin, `/tickets/${ticketId}/messages`, { kind: 'note', text: 'Checked the warehouse.' }, key);
    const b = await post(t.admin, `/tickets/${ticketId}/messages`, { kind: 'note', text: 'Checked the warehouse.' }, key);
    expect(b.json().message.id).toBe(a.json().message.id);
    expect(await count('messages', ['ticket_id', ticketId])).toBe(2);
  });

  it('creates a retried ticket once', async () => {
    const key = newKey();
    const before = await count('tickets');
    const body = { contactId, subject: 'Follow-up call', text: 'Called back about the refund.' };
    const a = await post(t.admin, '/tickets', body, key);
    const b = await post(t.admin, '/tickets', body, key);
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.json().ticket.id).toBe(a.json().ticket.id);
    expect(await count('tickets')).toBe(before + 1);
  });

  it('refuses the same key with a different body with 422 idempotency_key_reused', async () => {
    const { ticketId } = await inboundTicket(t);
    const key = newKey();
    expect((await post(t.admin, `/tickets/${ticketId}/messages`, { kind: 'note', text: 'one' }, key)).statusCode).toBe(201);
    const other = await post(t.admin, `/tickets/${ticketId}/messages`, { kind: 'note', text: 'two' }, key);
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('idempotency_key_reused');
    const elsewhere = await post(t.admin, '/tickets', { contactId, subject: 'x', text: 'y' }, key);
    expect(elsewhere.statusCode).toBe(422);
    expect(await count('messages', ['ticket_id', ticketId])).toBe(2);
  });

  it('keeps keys per agent: another agent’s same key is a write of its own', async () => {
    const other = await t.signIn('admin');
    const { ticketId } = await inboundTicket(t);
    const key = newKey();
    const a = await post(t.admin, `/tickets/${ticketId}/messages`, { kind: 'note', text: 'same' }, key);
    const b = await post(other, `/tickets/${ticketId}/messages`, { kind: 'note', text: 'same' }, key);
    expect(b.json().message.id).not.toBe(a.json().message.id);
  });

  it('writes again without a key, and once a key is older than 24 hours', async () => {
    const { ticketId } = await inboundTicket(t);
    await post(t.admin, `/tickets/${ticketId}/messages`, { kind: 'note', text: 'no key' });
    await post(t.admin, `/tickets/${ticketId}/messages`, { kind: 'note', text: 'no key' });
    expect(await count('messages', ['ticket_id', ticketId])).toBe(3);

    const key = newKey();
    await post(t.admin, `/tickets/${ticketId}/messages`, { kind: 'note', text: 'old' }, key);
    await t.ctx.db.updateTable('idempotency_keys').set({ created_at: Date.now() - 25 * 3_600_000 }).where('key', '=', key).execute();
    const again = await post(t.admin, `/tickets/${ticketId}/messages`, { kind: 'note', text: 'old' }, key);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(await count('messages', ['ticket_id', ticketId])).toBe(5);
  });

  it('does not keep a failed attempt: the corrected retry with the same key goes through', async () => {
    const { ticketId } = await inboundTicket(t);
    const key = newKey();
    const bad = await post(t.admin, `/tickets/${ticketId}/messages`, { kind: 'reply', text: 'hi', cc: ['nope'] }, key);
    expect(bad.statusCode).toBe(400);
    const good = await post(t.admin, `/tickets/${ticketId}/messages`, { kind: 'reply', text: 'hi', cc: ['boss@example.com'] }, key);
    expect(good.statusCode).toBe(201);
  });

  it('answers 409 while the first request with the key is still being handled', async () => {
    const { ticketId } = await inboundTicket(t);
    const key = newKey();
    const body = { kind: 'note', text: 'in flight' };
    const first = await post(t.admin, `/tickets/${ticketId}/messages`, body, key);
    // As the row stands between the first request's claim and its answer.
    await t.ctx.db.updateTable('idempotency_keys').set({ status_code: null, response: null }).where('key', '=', key).execute();
    const retry = await post(t.admin, `/tickets/${ticketId}/messages`, body, key);
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(409);
    expect(retry.json().error.code).toBe('idempotency_key_in_progress');
  });

  it('refuses a malformed key with 400', async () => {
    const { ticketId } = await inboundTicket(t);
    for (const key of ['', 'x'.repeat(256), 'tab\there']) {
      const res = await post(t.admin, `/tickets/${ticketId}/messages`, { kind: 'note', text: 'k' }, key);
      expect(res.statusCode, JSON.stringify(key)).toBe(400);
      expect(res.json().error.code).toBe('invalid_idempotency_key');
    }
  });
});
