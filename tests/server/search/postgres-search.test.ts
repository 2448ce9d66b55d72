import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../../server/db/migrate.js';
import type { PostgresDatabase } from '../../../server/db/postgres.js';
import { connectPostgres } from '../../../server/db/postgres-startup.js';
import { resolveContact } from '../../../server/intake/resolve-contact.js';
import { resolveTicket } from '../../../server/intake/resolve-ticket.js';
import { appendMessage } from '../../../server/modules/tickets/messages.js';
import type { SearchFilters } from '../../../server/search/filters.js';
import { indexPostgresQueue, postgresTicketSearchCondition } from '../../../server/search/postgres-index.js';
import { postgresTicketQueriesWith, type WindowReads } from '../../../server/search/postgres-text-queries.js';
import type { WindowScope } from '../../../server/search/text-queries.js';
import { parseQuery } from '../../../server/search/tokenize.js';
import { postgresUnavailable, usePostgres } from '../../helpers/postgres.js';

const AT = 1_765_000_000_000;

/** A new ticket from `email` with one inbound message, through intake's own steps. */
async function ticketWith(database: PostgresDatabase, email: string, text: string, subject = text): Promise<{ ticketId: number; messageId: number }> {
  return database.transaction(async (tx) => {
    const msg = { channel: { kind: 'api' as const, name: 'shop' }, sender: { identity: { kind: 'email' as const, value: email } }, subject, text, idempotencyKey: `${email}:${text}` };
    const { contact } = await resolveContact(tx, msg.sender, AT);
    const resolution = await resolveTicket(tx, msg, contact.id, AT);
    const { ticket, message } = await appendMessage(
      tx,
      resolution.ticket,
      { kind: 'inbound', author: { kind: 'contact', id: contact.id, name: email }, text, html: null, channel: msg.channel, idempotencyKey: msg.idempotencyKey, meta: {}, attachmentIds: [], createdAt: AT },
      {},
      { summarisedAtInsert: true },
    );
    return { ticketId: ticket.id, messageId: message.id };
  });
}

async function catchUp(database: PostgresDatabase): Promise<void> {
  while ((await indexPostgresQueue(database.db, 2)) > 0);
}

async function search(database: PostgresDatabase, q: string): Promise<number[]> {
  const condition = postgresTicketSearchCondition(q);
  if (!condition) return [];
  const rows = await database.db.selectFrom('tickets').select('id').where(condition).orderBy('id').execute();
  return rows.map((r) => r.id);
}

describe.skipIf(postgresUnavailable() !== null)('search on PostgreSQL', () => {
  const postgres = usePostgres();

  it('finds tickets by Chinese words, single characters, Latin words and number, following edits and deletes', async () => {
    const database = await connectPostgres({ url: await postgres.freshDatabase(), poolSize: 2 });
    try {
      await migrateToLatest(database, '');
      const refund = await ticketWith(database, 'ann@example.com', '我想申请退款，谢谢', '退款申请');
      const parcel = await ticketWith(database, 'bo@example.com', 'Where is my parcel? Déjà two weeks', 'Parcel');
      const other = await ticketWith(database, 'cy@example.com', '物流查询', 'Logistics');
      // The queue holds the new rows in batches smaller than the backlog: several runs drain it.
      await catchUp(database);
      const left = await sql<{ n: number }>`select count(*) as n from search_queue`.execute(database.db);
      expect(left.rows[0]?.n).toBe(0);

      expect(await search(database, '退款')).toEqual([refund.ticketId]);
      expect(await search(database, '退')).toEqual([refund.ticketId]);
      expect(await search(database, 'PARCEL deja')).toEqual([parcel.ticketId]);
      const number = await database.db.selectFrom('tickets').select('number').where('id', '=', other.ticketId).executeTakeFirstOrThrow();
      expect(await search(database, `#${number.number}`)).toEqual([other.ticketId]);
      expect(await search(database, '退款 parcel')).toEqual([]);
      expect(await search(database, '…')).toEqual([]);

      await sql`update messages set text = ${'已经收到退款'} where id = ${parcel.messageId}`.execute(database.db);
      await catchUp(database);
      expect(await search(database, '退款')).toEqual([refund.ticketId, parcel.ticketId]);
      expect(await search(database, 'parcel')).toEqual([parcel.ticketId]); // still its subject

      await sql`delete from messages where id = ${refund.messageId}`.execute(database.db);
      await catchUp(database);
      // The subject 退款申请 still holds the word.
      expect(await search(database, '申请')).toEqual([refund.ticketId]);
      expect(await search(database, '谢谢')).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('writes a batch of documents with one statement per kind, however many rows the batch holds', async () => {
    const database = await connectPostgres({ url: await postgres.freshDatabase(), poolSize: 1 });
    try {
      await migrateToLatest(database, '');
      for (let i = 0; i < 12; i++) await ticketWith(database, `c${i}@example.com`, `第${i}个订单还没有发货`, `Order ${i}`);
      // Every statement the pool's connections are sent from here on.
      const sent: string[] = [];
      database.pool.on('acquire', (client) => {
        const tagged = client as typeof client & { countedHere?: boolean };
        if (tagged.countedHere) return;
        tagged.countedHere = true;
        const query = client.query.bind(client) as (...args: unknown[]) => unknown;
        (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
          const first = args[0];
          sent.push(typeof first === 'string' ? first : String((first as { text?: string }).text ?? ''));
          return query(...args);
        };
      });
      expect(await indexPostgresQueue(database.db, 100)).toBe(36); // 12 messages, 12 tickets, 12 contacts
      const inserts = sent.filter((text) => /insert into search_documents/i.test(text));
      expect(inserts).toHaveLength(3);
      const docs = await sql<{ kind: string; n: number }>`select kind, count(*)::int as n from search_documents group by kind order by kind`.execute(database.db);
      expect(docs.rows).toEqual([
        { kind: 'contacts', n: 12 },
        { kind: 'messages', n: 12 },
        { kind: 'tickets', n: 12 },
      ]);
      expect(await search(database, '订单')).toHaveLength(12);
      expect(await search(database, 'order')).toHaveLength(12);
    } finally {
      await database.close();
    }
  });
  it('finds the same window whether it looks at the newest documents, walks them or reads the GIN index, for every scope', async () => {
    const database = await connectPostgres({ url: await postgres.freshDatabase(), poolSize: 1 });
    try {
      await migrateToLatest(database, '');
      const now = Date.now();
      const agentId = async (email: string) =>
        (await database.db.insertInto('agents').values({ email, name: email, role: 'agent', language: 'en', preferences: '{}', active: 1, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow()).id;
      const me = await agentId('me@example.com');
      const other = await agentId('other@example.com');
      const team = (await database.db.insertInto('teams').values({ name: 'Orders', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow()).id;
      // Matches thin out with age, so a look at the newest few finds more than the rate further
      // down; an agent's tickets (their own, their team's, unassigned) are one in three, fewer
      // among the newest, as on a real desk where new tickets go to whoever is working.
      for (let i = 0; i < 40; i++) {
        const words = i % 3 === 0 || i > 32 ? 'the coffee grinder 申请退款 is broken' : 'a kettle 申请 a 退款 question';
        const { ticketId } = await ticketWith(database, `w${i}@example.com`, `${words} ${i}`, i % 4 === 0 ? words : `Ticket ${i}`);
        const assignee = i > 30 || i % 3 !== 0 ? other : i % 2 === 0 ? me : null;
        await database.db
          .updateTable('tickets')
          .set({ status: i % 5 === 0 ? 'closed' : 'open', assignee_id: assignee, team_id: i % 7 === 0 ? team : null })
          .where('id', '=', ticketId)
          .execute();
      }
      await catchUp(database);
      const index = (reads: WindowReads) => postgresTicketQueriesWith(reads);
      // A look at nothing finds nothing, which leaves the GIN index: the reference.
      const reference = index({ look: 0, walk: 0 });
      const others = [
        { look: 100, walk: 100 },
        { look: 4, walk: 8 },
        { look: 4, walk: 40 },
        { look: 10, walk: 12 },
      ].map(index);
      const scopes = [
        { all: true as const, agentId: me },
        { all: false as const, agentId: me, teamIds: [team] },
        { all: false as const, agentId: me, teamIds: [] },
      ];
      const filters: SearchFilters[] = [{}, { statuses: ['open'] }];
      const full = new Map<boolean, number>();
      for (const q of ['coffee grinder', '申请退款', 'kettle', 'nothing']) {
        for (const access of scopes) {
          for (const f of filters) {
            const s: WindowScope = { terms: parseQuery(q), access, filters: f, viewerId: me };
            for (const window of [1, 5]) {
              for (const below of [null, 12]) {
                const messages = await reference.messageWindow(database.db, s, below, window);
                const subjects = await reference.subjectWindow(database.db, s, below, window);
                if (messages.length === window) full.set(access.all, (full.get(access.all) ?? 0) + 1);
                for (const other of others) {
                  const what = `${q}, ${access.all ? 'all' : `teams ${access.teamIds.length}`}, ${JSON.stringify(f)}, below ${below}`;
                  expect(await other.messageWindow(database.db, s, below, window), `messages: ${what}`).toEqual(messages);
                  expect(await other.subjectWindow(database.db, s, below, window), `subjects: ${what}`).toEqual(subjects);
                }
              }
            }
          }
        }
      }
      // Windows were filled (so the walks had something to find) for admins and agents alike.
      expect(full.get(true)).toBeGreaterThan(10);
      expect(full.get(false)).toBeGreaterThan(10);
    } finally {
      await database.close();
    }
  });
});
