import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake } from '../../../server/intake/intake.js';
import { attachmentPath } from '../../../server/modules/attachments/storage.js';
import type { ContactView } from '../../../server/modules/contacts/schemas.js';
import type { TicketView } from '../../../server/modules/tickets/schemas.js';
import type { KefuEvent } from '../../../server/realtime/events.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/app.js';
import { as, inboundTicket } from '../tickets/fixtures.js';

type One = { contact: ContactView };
type Page = { items: ContactView[]; nextCursor: string | null };

let t: TestApp;
let supervisor: Session;

beforeAll(async () => {
  t = await createTestApp();
  supervisor = await t.signIn('supervisor');
});
afterAll(async () => t.close());

describe('contacts', () => {
  it('creates a contact with email and phone identities and refuses a second one with the same email', async () => {
    const api = as(t, supervisor);
    const res = await api.post<One>('/contacts', { name: '王小明', email: 'Xiaoming@Example.cn', phone: '+86 138 0000 0000', attributes: { plan: 'pro' } });
    expect(res.status).toBe(201);
    expect(res.body.contact).toMatchObject({
      name: '王小明',
      email: 'xiaoming@example.cn',
      attributes: { plan: 'pro' },
      identities: [
        { kind: 'email', value: 'xiaoming@example.cn' },
        { kind: 'phone', value: '+8613800000000' },
      ],
      ticketCount: 0,
    });
    const dup = await api.post('/contacts', { email: 'xiaoming@example.cn' });
    expect(dup.status).toBe(409);
    expect((await api.post('/contacts', {})).status).toBe(400);
  });

  it('lists newest first with a cursor and searches by name, email and identity', async () => {
    const api = as(t, supervisor);
    await api.post('/contacts', { name: 'Searchable Person', email: 'findme@example.org' });
    const byName = await api.get<Page>('/contacts?q=searchable');
    expect(byName.body.items.map((c) => c.email)).toEqual(['findme@example.org']);
    const byEmail = await api.get<Page>('/contacts?q=FINDME@');
    expect(byEmail.body.items).toHaveLength(1);
    const first = await api.get<Page>('/contacts?limit=1');
    expect(first.body.nextCursor).not.toBeNull();
    const second = await api.get<Page>(`/contacts?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0]?.id).toBeLessThan(first.body.items[0]?.id ?? 0);
    expect((await api.get('/contacts?cursor=nonsense')).status).toBe(400);
  });

  it('finds contacts by a Chinese name, phone digits and a whole channel identity', async () => {
    const api = as(t, supervisor);
    const { contactId } = await inboundTicket(t, {
      channel: { kind: 'widget', name: 'site' },
      sender: { identity: { kind: 'widget', value: 'vis_7f3a9c' }, name: '陈大文', phone: '+86 139-1234-5678' },
    });
    for (const q of ['陈大文', '13912345678', 'vis_7f3a9c']) {
      const res = await api.get<Page>(`/contacts?q=${encodeURIComponent(q)}`);
      expect({ q, ids: res.body.items.map((c) => c.id) }).toEqual({ q, ids: [contactId] });
    }
  });

  it('gets a contact with all tickets across channels', async () => {
    const email = await inboundTicket(t, { sender: { identity: { kind: 'email', value: 'multi@example.com' }, alsoKnownAs: [{ kind: 'widget', value: 'visitor-multi' }] } });
    await inboundTicket(t, { channel: { kind: 'widget', name: 'site' }, sender: { identity: { kind: 'widget', value: 'visitor-multi' } } });
    const res = await as(t, supervisor).get<{ contact: ContactView; tickets: TicketView[] }>(`/contacts/${email.contactId}`);
    expect(res.status).toBe(200);
    expect(res.body.contact.ticketCount).toBe(2);
    expect(res.body.tickets.map((x) => x.channel.kind).sort()).toEqual(['email', 'widget']);
    expect((await as(t, supervisor).get('/contacts/999999')).status).toBe(404);
  });

  it('updates fields, merges attributes and audits the change', async () => {
    const created = await as(t, supervisor).post<One>('/contacts', { name: 'Old', attributes: { a: 1, b: 2 } });
    const id = created.body.contact.id;
    const res = await as(t, supervisor).patch<One>(`/contacts/${id}`, { name: 'New', attributes: { b: null, c: 3 }, notes: 'VIP' });
    expect(res.body.contact).toMatchObject({ name: 'New', attributes: { a: 1, c: 3 }, notes: 'VIP' });
    const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('entity_kind', '=', 'contact').where('entity_id', '=', id).where('action', '=', 'contact.updated').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.before ?? '{}')).toMatchObject({ name: 'Old' });
    expect(JSON.parse(audit.after ?? '{}')).toMatchObject({ name: 'New' });
    expect((await as(t, supervisor).patch('/contacts/999999', { name: 'x' })).status).toBe(404);
  });

  it('merges a contact into another: identities and tickets move, the source is gone', async () => {
    const a = await inboundTicket(t, { sender: { identity: { kind: 'email', value: 'merge-a@example.com' }, name: 'Alpha' } });
    const b = await inboundTicket(t, { channel: { kind: 'widget', name: 'site' }, sender: { identity: { kind: 'widget', value: 'merge-b-visitor' } } });
    const events: KefuEvent[] = [];
    const off = t.ctx.bus.on('*', (e) => {
      events.push(e);
    });
    const res = await as(t, supervisor).post<One>(`/contacts/${a.contactId}/merge`, { intoContactId: b.contactId });
    off();
    expect(res.status).toBe(200);
    expect(res.body.contact).toMatchObject({ id: b.contactId, name: 'Alpha', email: 'merge-a@example.com', ticketCount: 2 });
    expect(res.body.contact.identities.map((i) => i.kind).sort()).toEqual(['email', 'widget']);
    expect((await as(t, supervisor).get(`/contacts/${a.contactId}`)).status).toBe(404);
    expect(events.map((e) => e.type)).toEqual(['contact.merged', 'ticket.updated']);
    // The next email from the merged address lands on the survivor.
    const next = await inboundTicket(t, { sender: { identity: { kind: 'email', value: 'merge-a@example.com' } } });
    expect(next.contactId).toBe(b.contactId);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('entity_id', '=', b.contactId).where('action', '=', 'contact.merged').execute();
    expect(audit).toHaveLength(1);
    expect((await as(t, supervisor).post(`/contacts/${b.contactId}/merge`, { intoContactId: b.contactId })).status).toBe(400);
  });

  it('merges two contacts into each other at once: one merge wins, the other finds its source gone', async () => {
    const a = await inboundTicket(t, { sender: { identity: { kind: 'email', value: 'cross-a@example.com' } } });
    const b = await inboundTicket(t, { sender: { identity: { kind: 'email', value: 'cross-b@example.com' } } });
    const api = as(t, supervisor);
    const results = await Promise.all([
      api.post<One>(`/contacts/${a.contactId}/merge`, { intoContactId: b.contactId }),
      api.post<One>(`/contacts/${b.contactId}/merge`, { intoContactId: a.contactId }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 404]);
    const left = await t.ctx.db.selectFrom('contacts').select('id').where('id', 'in', [a.contactId, b.contactId]).execute();
    expect(left).toHaveLength(1);
    const tickets = await t.ctx.db.selectFrom('tickets').select('contact_id').where('id', 'in', [a.ticketId, b.ticketId]).execute();
    expect(tickets.map((r) => r.contact_id)).toEqual([left[0]?.id, left[0]?.id]);
  });

  it('erases a contact (GDPR): tickets, messages and attachment files gone, an anonymous audit line kept', async () => {
    const secret = Buffer.from(`passport scan ${Date.now()}`);
    const shared = Buffer.from('logo used by two customers');
    const first = await intake(t.ctx, {
      channel: { kind: 'email', name: 'support' },
      sender: { identity: { kind: 'email', value: 'erase-me@example.com' }, name: 'Erase Me' },
      subject: 'My data',
      text: 'my private details',
      idempotencyKey: 'erase-1',
      attachments: [
        { filename: 'passport.jpg', contentType: 'image/jpeg', content: secret },
        { filename: 'logo.png', contentType: 'image/png', content: shared },
      ],
    });
    await intake(t.ctx, {
      channel: { kind: 'email', name: 'support' },
      sender: { identity: { kind: 'email', value: 'keeps-logo@example.com' } },
      text: 'other customer',
      idempotencyKey: 'erase-2',
      attachments: [{ filename: 'logo.png', contentType: 'image/png', content: shared }],
    });
    await as(t, t.admin).patch(`/contacts/${first.contactId}`, { notes: 'lives at 1 Main St' });
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const passportFile = attachmentPath(t.ctx.paths.attachments, sha(secret));
    const logoFile = attachmentPath(t.ctx.paths.attachments, sha(shared));
    expect(existsSync(passportFile)).toBe(true);

    const res = await as(t, t.admin).del(`/contacts/${first.contactId}`);
    expect(res.status).toBe(204);
    expect((await as(t, t.admin).get(`/contacts/${first.contactId}`)).status).toBe(404);
    expect((await as(t, t.admin).get(`/tickets/${first.ticketId}`)).status).toBe(404);
    const messages = await t.ctx.db.selectFrom('messages').select('id').where('ticket_id', '=', first.ticketId).execute();
    expect(messages).toEqual([]);
    const remaining = await t.ctx.db.selectFrom('attachments').select('name').where('name', 'in', ['passport.jpg', 'logo.png']).execute();
    expect(remaining.map((r) => r.name)).toEqual(['logo.png']);
    expect(existsSync(passportFile)).toBe(false);
    // Still used by another customer's message, so the shared file stays.
    expect(existsSync(logoFile)).toBe(true);

    const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('entity_kind', '=', 'contact').where('entity_id', '=', first.contactId).orderBy('id').execute();
    expect(audit.at(-1)).toMatchObject({ action: 'contact.erased', actor_id: t.admin.agentId });
    const text = JSON.stringify(audit);
    expect(text).not.toContain('Main St');
    expect(text).not.toContain('erase-me@example.com');
    expect((await as(t, t.admin).del(`/contacts/${first.contactId}`)).status).toBe(404);
  });

  it('erasing a contact also removes what they wrote into someone else’s ticket', async () => {
    const owner = await inboundTicket(t, { text: 'original question' });
    const cc = await inboundTicket(t, {
      sender: { identity: { kind: 'email', value: 'cc-person@example.com' }, name: 'CC Person' },
      thread: { ticketId: owner.ticketId },
      text: 'my private aside',
    });
    expect(cc.ticketId).toBe(owner.ticketId);
    const events: KefuEvent[] = [];
    const off = t.ctx.bus.on('*', (e) => {
      events.push(e);
    });
    expect((await as(t, t.admin).del(`/contacts/${cc.contactId}`)).status).toBe(204);
    off();
    expect(events.map((e) => [e.type, 'ticketId' in e ? e.ticketId : null])).toEqual([
      ['ticket.updated', owner.ticketId],
      ['contact.deleted', null],
    ]);
    const detail = await as(t, t.admin).get<{ ticket: TicketView; messages: Array<{ text: string }> }>(`/tickets/${owner.ticketId}`);
    expect(detail.body.messages.map((m) => m.text)).toEqual(['original question']);
    expect(detail.body.ticket).toMatchObject({ messageCount: 1, lastMessage: { preview: 'original question' } });
  });
});
