import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { presentContact } from '../../../server/modules/contacts/presenter.js';
import { agentHubOf } from '../../../server/realtime/agent-routes.js';
import type { KefuEvent } from '../../../server/realtime/events.js';
import { createPeerApp, createTestApp, type TestApp } from '../../helpers/app.js';
import { postgresUnavailable, usePostgres } from '../../helpers/postgres.js';
import { openAgentSocket, type Frame, type FrameLog } from './ws-client.js';

// Two apps on one PostgreSQL database and one data directory: what two `kefu serve` processes
// with the same config file are to each other.
describe.skipIf(postgresUnavailable() !== null)('events across processes on PostgreSQL', () => {
  const postgres = usePostgres();
  let a: TestApp;
  let b: TestApp;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    a = await createTestApp({ database: { driver: 'postgres', url: await postgres.freshDatabase(), pool_size: 4 } });
    b = await createPeerApp(a);
  }, 60_000);

  afterAll(async () => {
    for (const ws of sockets) ws.terminate();
    await b?.close();
    await a?.close();
  });

  async function connect(t: TestApp): Promise<FrameLog> {
    const log = await openAgentSocket(t.app, { cookie: t.admin.cookie });
    sockets.push(log.ws);
    return log;
  }

  async function newContact(t: TestApp, name: string): Promise<number> {
    const row = await t.ctx.db
      .insertInto('contacts')
      .values({ name, created_at: Date.now(), updated_at: Date.now() })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /**
   * A contact renamed in process `t`, emitted as its contacts service does after the commit. (The
   * PATCH route itself is not yet served on PostgreSQL; the relay under test only sees the bus.)
   */
  async function rename(t: TestApp, contactId: number, name: string): Promise<void> {
    const row = await t.ctx.db.updateTable('contacts').set({ name, updated_at: Date.now() }).where('id', '=', contactId).returningAll().executeTakeFirstOrThrow();
    t.ctx.bus.emit({ type: 'contact.updated', contactId, contact: presentContact(row, [], 0), actor: { kind: 'agent', id: t.admin.agentId } });
  }

  const nameOf = (f: Frame): string | undefined => (f.event as { contact?: { name: string } } | undefined)?.contact?.name;
  const renamed = (contactId: number, name: string) => (f: Frame) => {
    const e = f.event as { type?: string; contactId?: number } | undefined;
    return f.type === 'event' && e?.type === 'contact.updated' && e.contactId === contactId && nameOf(f) === name;
  };

  it("pushes another process's event to this one's sockets, without running this one's domain subscribers", async () => {
    const contactId = await newContact(a, 'Ann');
    const onA = await connect(a);
    const domainOnA: KefuEvent[] = [];
    const off = a.ctx.bus.on('contact.updated', (e) => void domainOnA.push(e));
    try {
      await rename(b, contactId, 'Ann Lee');
      const frame = await onA.next(renamed(contactId, 'Ann Lee'));
      expect(frame.cursor).toEqual(expect.any(Number));
      // Rules, SLA, webhooks... ran in B, where it happened; A only told its agents.
      expect(domainOnA).toEqual([]);
    } finally {
      off();
    }
  });

  it("replays on one process the events another journaled, in cursor order", async () => {
    const contactId = await newContact(a, 'Bo');
    const first = await connect(b);
    const from = first.frames[0]?.cursor as number;
    await rename(a, contactId, '王伟');
    await rename(b, contactId, 'Bo Wang');
    // Each process journals its events after their commit, so A's may land after B's: wait for both.
    await first.next(renamed(contactId, '王伟'));
    await first.next(renamed(contactId, 'Bo Wang'));

    const again = await connect(b);
    again.send({ type: 'resume', cursor: from });
    await again.next((f) => f.type === 'resumed');
    const replayed = again.events().filter((f) => (f.event as { contactId?: number }).contactId === contactId);
    expect(replayed.map(nameOf).sort()).toEqual(['Bo Wang', '王伟']);
    const cursors = again.events().map((f) => f.cursor as number);
    expect(cursors).toEqual([...cursors].sort((x, y) => x - y));
  });

  it('relays an event too large for a NOTIFY payload through its table', async () => {
    const onA = await connect(a);
    const note = '退款'.repeat(3000);
    b.ctx.bus.emit({
      type: 'notification.created',
      actor: { kind: 'system' },
      agentId: a.admin.agentId,
      notification: {
        id: 1,
        kind: 'reminder',
        ticketId: null,
        ticketNumber: null,
        subject: 'Large',
        target: '',
        dueAt: null,
        note,
        createdAt: new Date().toISOString(),
        readAt: null,
      },
    });
    const frame = await onA.next((f) => f.type === 'notification');
    expect((frame.notification as { note: string }).note).toBe(note);
  });

  it("counts tickets afresh on one process after another deleted one", async () => {
    const counts = async () => (await b.app.inject({ method: 'GET', url: '/api/v1/tickets/counts', headers: { cookie: b.admin.cookie } })).json<{ all: number }>();
    const contactId = await newContact(a, 'Cy');
    const at = Date.now();
    const ticket = await a.ctx.db
      .insertInto('tickets')
      .values({
        number: 500_000 + Math.floor(Math.random() * 1e5),
        subject: 'Counted',
        status: 'open',
        priority: 'normal',
        channel_kind: 'email',
        channel_name: 'support',
        contact_id: contactId,
        assignee_id: null,
        team_id: null,
        created_at: at,
        updated_at: at,
        last_activity_at: at,
        snoozed_until: null,
        thread_key: null,
        first_response_at: null,
        resolved_at: null,
        merged_into_id: null,
        last_message_preview: null,
        last_message_kind: null,
        last_message_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const before = (await counts()).all;
    expect(before).toBeGreaterThan(0);

    // Deleted through A, announced on A's bus as its erase does after the commit.
    const arrived = new Promise<void>((resolve) => {
      const off = b.ctx.bus.onAnyProcess('ticket.deleted', () => {
        off();
        resolve();
      });
    });
    await a.ctx.db.deleteFrom('tickets').where('id', '=', ticket.id).execute();
    a.ctx.bus.emit({ type: 'ticket.deleted', ticketId: ticket.id, assigneeId: null, teamId: null, actor: { kind: 'system' } });
    await arrived;
    // The cache recomputes at most twice a second: past that, B must count again rather than serve its copy.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await counts()).all).toBe(before - 1);
  });

  it('journals a burst from both processes whole, without gaps, each process in its own order', async () => {
    const contactId = await newContact(a, 'Eve');
    const row = await a.ctx.db.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirstOrThrow();
    const journals = [a, b].map((t) => agentHubOf(t.ctx)!.journal);
    await Promise.all(journals.map((j) => j.flush()));
    const from = Math.max(...journals.map((j) => j.latest));
    const burst = 300;
    for (let i = 0; i < burst; i++) {
      for (const [name, t] of [['a', a], ['b', b]] as const) {
        t.ctx.bus.emit({ type: 'contact.updated', contactId, contact: presentContact({ ...row, name: `${name} ${i}` }, [], 0), actor: { kind: 'system' } });
      }
    }
    await Promise.all(journals.map((j) => j.flush()));
    const { entries } = await journals[0]!.since(from, 10 * burst);
    const mine = entries.filter((e) => (JSON.parse(e.payload) as { contactId?: number }).contactId === contactId);
    expect(mine).toHaveLength(2 * burst);
    expect(entries.map((e) => e.cursor)).toEqual(Array.from({ length: entries.length }, (_, i) => from + 1 + i));
    const names = mine.map((e) => (JSON.parse(e.payload) as { contact: { name: string } }).contact.name);
    for (const name of ['a', 'b']) {
      expect(names.filter((n) => n.startsWith(`${name} `))).toEqual(Array.from({ length: burst }, (_, i) => `${name} ${i}`));
    }
  });

  it('writes what a failed journal write left behind once the next event comes', async () => {
    const contactId = await newContact(a, 'Gil');
    const row = await a.ctx.db.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirstOrThrow();
    const journal = agentHubOf(a.ctx)!.journal;
    await journal.flush();
    const from = journal.latest;
    const emit = (name: string) => a.ctx.bus.emit({ type: 'contact.updated', contactId, contact: presentContact({ ...row, name }, [], 0), actor: { kind: 'system' } });
    // A backlog of more events than one statement writes, and the first statement refused: the
    // rest of the backlog waits in memory for a write that the next event must still queue.
    await sql`alter table realtime_events add constraint refuse_early check (payload not like '%early %')`.execute(a.ctx.db);
    try {
      for (let i = 0; i < 600; i++) emit(`early ${i}`);
      await journal.flush();
    } finally {
      await sql`alter table realtime_events drop constraint refuse_early`.execute(a.ctx.db);
    }
    emit('late');
    await journal.flush();
    const { entries } = await journal.since(from, 2000);
    const names = entries.map((e) => (JSON.parse(e.payload) as { contact?: { name: string } }).contact?.name);
    expect(names.at(-1)).toBe('late');
    // The first statement's 500 are lost with it (as a write to a database that is down loses them); the rest follow in order.
    expect(names.slice(0, -1)).toEqual(Array.from({ length: 100 }, (_, i) => `early ${500 + i}`));
  });

  it("hands a burst of one process's events to the other's subscribers whole and in order, a large one among them", async () => {
    const contactId = await newContact(a, 'Fay');
    const row = await a.ctx.db.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirstOrThrow();
    const seen: string[] = [];
    const off = b.ctx.bus.onAnyProcess('contact.updated', (e, peer) => {
      if (peer && e.contactId === contactId) seen.push(e.contact.name ?? '');
    });
    try {
      const names = Array.from({ length: 200 }, (_, i) => (i === 100 ? `Fay ${'长'.repeat(3000)}` : `Fay ${i}`));
      for (const name of names) a.ctx.bus.emit({ type: 'contact.updated', contactId, contact: presentContact({ ...row, name }, [], 0), actor: { kind: 'system' } });
      await expect.poll(() => seen.length, { timeout: 20_000 }).toBe(names.length);
      expect(seen).toEqual(names);
    } finally {
      off();
    }
  });

  const notification = (agentId: number, note: string): KefuEvent => ({
    type: 'notification.created',
    actor: { kind: 'system' },
    agentId,
    notification: { id: 1, kind: 'reminder', ticketId: null, ticketNumber: null, subject: 'Note', target: '', dueAt: null, note, createdAt: new Date().toISOString(), readAt: null },
  });

  it("relays a burst of one process's unjournaled events to the other whole and in order, a large one among them", async () => {
    const seen: string[] = [];
    const off = b.ctx.bus.onAnyProcess('notification.created', (e, peer) => {
      if (peer && e.notification.subject === 'Note') seen.push(e.notification.note ?? '');
    });
    try {
      const notes = Array.from({ length: 100 }, (_, i) => (i === 50 ? `burst ${'长'.repeat(3000)}` : `burst ${i}`));
      for (const note of notes) a.ctx.bus.emit(notification(a.admin.agentId, note));
      await expect.poll(() => seen.length, { timeout: 20_000 }).toBe(notes.length);
      expect(seen).toEqual(notes);
    } finally {
      off();
    }
  });

  it("hands another process's journaled event to this one's bus once, through the journal alone", async () => {
    const contactId = await newContact(a, 'Hal');
    const seen: string[] = [];
    const offContact = b.ctx.bus.onAnyProcess('contact.updated', (e, peer) => {
      if (peer && e.contactId === contactId) seen.push(e.contact.name ?? '');
    });
    let sentinel = false;
    const offNote = b.ctx.bus.onAnyProcess('notification.created', (e, peer) => {
      if (peer && e.notification.note === `after ${contactId}`) sentinel = true;
    });
    try {
      await rename(a, contactId, 'Hal Ng');
      await expect.poll(() => seen.length).toBe(1);
      // The relay keeps one process's order: had it sent the rename too, B would have it before this.
      a.ctx.bus.emit(notification(a.admin.agentId, `after ${contactId}`));
      await expect.poll(() => sentinel).toBe(true);
      expect(seen).toEqual(['Hal Ng']);
    } finally {
      offContact();
      offNote();
    }
  });

  it('pushes events journaled by both processes at once in cursor order', async () => {
    const contactId = await newContact(a, 'Dee');
    const row = await a.ctx.db.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirstOrThrow();
    const onB = await connect(b);
    const burst = 150;
    for (let i = 0; i < burst; i++) {
      for (const t of [a, b]) {
        t.ctx.bus.emit({ type: 'contact.updated', contactId, contact: presentContact({ ...row, name: `Dee ${i}` }, [], 0), actor: { kind: 'system' } });
      }
    }
    const mine = () => onB.events().filter((f) => (f.event as { contactId?: number }).contactId === contactId);
    await onB.next(() => mine().length === 2 * burst, 20_000);
    const cursors = mine().map((f) => f.cursor as number);
    expect(cursors).toEqual([...cursors].sort((x, y) => x - y));
  });
});
