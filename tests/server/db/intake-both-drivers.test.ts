import { rmSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Tx } from '../../../server/db/database.js';
import { migrateToLatest } from '../../../server/db/migrate.js';
import type { AnyDatabase } from '../../../server/db/postgres.js';
import { connectPostgres } from '../../../server/db/postgres-startup.js';
import { resolveContact } from '../../../server/intake/resolve-contact.js';
import { resolveTicket } from '../../../server/intake/resolve-ticket.js';
import type { InboundMessage } from '../../../server/intake/types.js';
import { recordAudit } from '../../../server/modules/audit/service.js';
import { presentTicketPage } from '../../../server/modules/tickets/list-page.js';
import { appendMessage } from '../../../server/modules/tickets/messages.js';
import { findTicket } from '../../../server/modules/tickets/queries.js';
import { isUniqueViolation } from '../../../server/db/unique-violation.js';
import { tempDir } from '../../helpers/app.js';
import { postgresUnavailable, usePostgres } from '../../helpers/postgres.js';

const dir = tempDir('kefu-both-drivers-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const AT = 1_765_000_000_000;

const message = (key: string, text: string): InboundMessage => ({
  channel: { kind: 'api', name: 'shop' },
  sender: { identity: { kind: 'email', value: 'ann@example.com' }, name: 'Ann' },
  text,
  idempotencyKey: key,
});

/**
 * Intake's own steps (contact, ticket, message, audit, in one transaction), the list's rows and
 * one ticket, through the Kysely queries the modules use: the part of the desk that already runs
 * on PostgreSQL without change. Wiring intake() itself needs the context (see issue #19).
 */
async function intakeAndList(database: AnyDatabase): Promise<unknown> {
  const take = (msg: InboundMessage, at: number) =>
    database.transaction(async (tx: Tx) => {
      const { contact } = await resolveContact(tx, msg.sender, at);
      const resolution = await resolveTicket(tx, msg, contact.id, at);
      const { ticket, message: stored } = await appendMessage(
        tx,
        resolution.ticket,
        { kind: 'inbound', author: { kind: 'contact', id: contact.id, name: 'Ann' }, text: msg.text, html: null, channel: msg.channel, idempotencyKey: msg.idempotencyKey, meta: {}, attachmentIds: [], createdAt: at },
        resolution.kind === 'existing' ? resolution.changes : {},
        { summarisedAtInsert: resolution.kind === 'created' },
      );
      await recordAudit(tx, { actor: { kind: 'contact', id: contact.id }, action: 'ticket.created', entityKind: 'ticket', entityId: ticket.id, after: { number: ticket.number } });
      return { contactId: contact.id, ticketId: ticket.id, number: ticket.number, messageId: stored.id };
    });
  const first = await take(message('m1', '我想申请退款'), AT);
  const second = await take(message('m2', 'Where is my parcel?'), AT + 1000);
  const agent = await sql<{ id: number }>`insert into agents (email, name, role, created_at, updated_at) values ('lee@example.com', 'Lee', 'agent', ${AT}, ${AT}) returning id`.execute(database.db);
  const page = await presentTicketPage(database.db, [second.ticketId, first.ticketId], agent.rows[0]?.id ?? 0);
  const opened = await findTicket(database.db, first.ticketId);
  return {
    first,
    second,
    list: page.map((t) => ({ id: t.id, number: t.number, subject: t.subject, status: t.status, preview: t.lastMessage?.preview })),
    opened: { number: opened?.number, status: opened?.status, created_at: opened?.created_at, message_count: opened?.message_count },
  };
}

describe.skipIf(postgresUnavailable() !== null)('intake and the ticket list on both drivers', () => {
  const postgres = usePostgres();

  it('stores and lists the same contact, tickets and messages on SQLite and PostgreSQL', async () => {
    const sqlite = openDatabase(path.join(dir, 'kefu.sqlite'));
    await migrateToLatest(sqlite, path.join(dir, 'backups'));
    const onSqlite = await intakeAndList(sqlite).finally(() => sqlite.close());

    const pg = await connectPostgres({ url: await postgres.freshDatabase(), poolSize: 2 });
    await migrateToLatest(pg, '');
    const onPostgres = await intakeAndList(pg).finally(() => pg.close());

    expect(onPostgres).toEqual(onSqlite);
    expect(onSqlite).toMatchObject({
      first: { contactId: 1, ticketId: 1 },
      second: { contactId: 1, ticketId: 2 },
      opened: { status: 'open', created_at: AT },
    });
  });

  it('recognises a repeated idempotency key on either driver, so intake retries and finds the first message', async () => {
    const caught = async (database: AnyDatabase): Promise<unknown[]> => {
      await migrateToLatest(database, path.join(dir, 'backups-dup'));
      await intakeAndList(database);
      const errors: unknown[] = [];
      const messageAgain = sql`insert into messages (ticket_id, kind, author_kind, author_name, text, channel_kind, channel_name, idempotency_key, created_at)
        values (1, 'inbound', 'contact', 'Ann', 'again', 'api', 'shop', 'm1', ${AT})`;
      const agentAgain = sql`insert into agents (email, name, role, created_at, updated_at) values ('LEE@example.com', 'Lee', 'agent', ${AT}, ${AT})`;
      for (const statement of [messageAgain, agentAgain]) await statement.execute(database.db).catch((err: unknown) => errors.push(err));
      return errors;
    };
    const index = { sqliteColumn: 'messages.idempotency_key', name: 'messages_idempotency' };
    const sqlite = openDatabase(path.join(dir, 'dup.sqlite'));
    const onSqlite = await caught(sqlite).finally(() => sqlite.close());
    const pg = await connectPostgres({ url: await postgres.freshDatabase(), poolSize: 2 });
    const onPostgres = await caught(pg).finally(() => pg.close());
    for (const errors of [onSqlite, onPostgres]) {
      expect(errors).toHaveLength(2);
      expect(errors.map((err) => isUniqueViolation(err, index))).toEqual([true, false]);
    }
  });
});
