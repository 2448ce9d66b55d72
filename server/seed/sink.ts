import type { AnyDatabase, PostgresDatabase } from '../db/postgres.js';
import type { Database } from '../db/database.js';
import { buildSearchIndex } from '../search/search-index.js';
import { indexPostgresQueue } from '../search/postgres-index.js';

/**
 * Where the seed's bulk rows go. Values are positional, in the order of the column lists below,
 * so SQLite keeps its prepared statements (one row, one call, no object per row); PostgreSQL
 * gathers a batch and writes it as multi-row inserts, ids numbered here since nothing else
 * writes while a seed runs.
 */
export interface SeedSink {
  /** Runs fn, which only queues rows, and writes what it queued in one transaction. */
  batch(fn: () => void): Promise<void>;
  /** name, email, phone, language, attributes, created_at, updated_at, last_seen_at → id */
  contact(values: unknown[]): number;
  /** contact_id, kind, value, created_at; a duplicate is skipped */
  identity(values: unknown[]): void;
  /** TICKET_COLUMNS' values but id and merged_into_id → id */
  ticket(values: unknown[]): number;
  /** MESSAGE_COLUMNS' values */
  message(values: unknown[]): void;
  ticketLabel(ticketId: number, labelId: number): void;
  /** Indexes everything for search and leaves the database tidy. */
  finish(): Promise<void>;
}

const CONTACT = {
  columns: 'name, email, phone, language, attributes, notes, created_at, updated_at, last_seen_at',
  row: `?, ?, ?, ?, ?, '', ?, ?, ?`,
};
const IDENTITY = { columns: 'contact_id, kind, value, created_at', row: '?, ?, ?, ?' };
const TICKET = {
  columns: `number, subject, status, snoozed_until, priority, channel_kind, channel_name, thread_key,
       contact_id, assignee_id, team_id, custom_fields, created_at, updated_at, last_activity_at, first_response_at,
       resolved_at, reopen_count, merged_into_id, message_count, last_message_preview, last_message_kind, last_message_at,
       first_response_seconds, first_responder_id, agent_reply_count, awaiting_since, next_response_seconds_total,
       next_response_count, resolution_seconds, resolved_by_id`,
  row: '?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?',
};
const MESSAGE = {
  columns: `ticket_id, kind, author_kind, author_id, author_name, text, html, channel_kind, channel_name,
       idempotency_key, delivery_status, delivery_error, delivery_updated_at, mentions, meta, created_at`,
  row: `?, ?, ?, ?, ?, ?, null, ?, ?, ?, ?, null, ?, '[]', '{}', ?`,
};
const TICKET_LABEL = { columns: 'ticket_id, label_id', row: '?, ?' };

export async function seedSink(database: AnyDatabase): Promise<SeedSink> {
  return database.driver === 'sqlite' ? sqliteSink(database) : postgresSink(database);
}

function sqliteSink(database: Database): SeedSink {
  const sqlite = database.sqlite;
  const insert = (table: string, t: { columns: string; row: string }, verb = 'insert') =>
    sqlite.prepare(`${verb} into ${table} (${t.columns}) values (${t.row})`);
  const contact = insert('contacts', CONTACT);
  const identity = insert('contact_identities', IDENTITY, 'insert or ignore');
  const ticket = insert('tickets', TICKET);
  const message = insert('messages', MESSAGE);
  const ticketLabel = insert('ticket_labels', TICKET_LABEL, 'insert or ignore');
  return {
    async batch(fn) {
      sqlite.transaction(fn)();
    },
    contact: (values) => Number(contact.run(...values).lastInsertRowid),
    identity: (values) => void identity.run(...values),
    ticket: (values) => Number(ticket.run(...values).lastInsertRowid),
    message: (values) => void message.run(...values),
    ticketLabel: (ticketId, labelId) => void ticketLabel.run(ticketId, labelId),
    async finish() {
      buildSearchIndex(database);
      sqlite.pragma('optimize');
    },
  };
}

/** Bound values PostgreSQL takes in one statement is 65,535: rows per insert stay under it. */
const MAX_PARAMS = 60_000;

interface Pending {
  sql: (rows: number) => string;
  params: number;
  rows: unknown[][];
}

async function postgresSink(database: PostgresDatabase): Promise<SeedSink> {
  const { pool } = database;
  const max = async (table: string) => Number((await pool.query<{ n: string }>(`select coalesce(max(id), 0) as n from ${table}`)).rows[0]?.n ?? 0);
  let contactId = await max('contacts');
  let ticketId = await max('tickets');
  const table = (name: string, t: { columns: string; row: string }, opts: { id?: boolean; ignore?: boolean } = {}): Pending => {
    const row = opts.id ? `?, ${t.row}` : t.row;
    const params = (row.match(/\?/g) ?? []).length;
    return {
      params,
      rows: [],
      sql: (n) => {
        let i = 0;
        const tuple = () => `(${row.replace(/\?/g, () => `$${++i}`)})`;
        return `insert into ${name} (${opts.id ? 'id, ' : ''}${t.columns}) values ${Array.from({ length: n }, tuple).join(', ')}${opts.ignore ? ' on conflict do nothing' : ''}`;
      },
    };
  };
  // In the order foreign keys need them.
  const contacts = table('contacts', CONTACT, { id: true });
  const identities = table('contact_identities', IDENTITY, { ignore: true });
  const tickets = table('tickets', TICKET, { id: true });
  const messages = table('messages', MESSAGE);
  const ticketLabels = table('ticket_labels', TICKET_LABEL, { ignore: true });
  const all = [contacts, identities, tickets, messages, ticketLabels];

  return {
    async batch(fn) {
      fn();
      const client = await pool.connect();
      try {
        await client.query('begin');
        for (const p of all) {
          const per = Math.max(1, Math.floor(MAX_PARAMS / p.params));
          for (let i = 0; i < p.rows.length; i += per) {
            const chunk = p.rows.slice(i, i + per);
            await client.query(p.sql(chunk.length), chunk.flat());
          }
          p.rows = [];
        }
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        for (const p of all) p.rows = [];
        throw error;
      } finally {
        client.release();
      }
    },
    contact(values) {
      contacts.rows.push([++contactId, ...values]);
      return contactId;
    },
    identity: (values) => void identities.rows.push(values),
    ticket(values) {
      tickets.rows.push([++ticketId, ...values]);
      return ticketId;
    },
    message: (values) => void messages.rows.push(values),
    ticketLabel: (t, l) => void ticketLabels.rows.push([t, l]),
    async finish() {
      // Ids were given explicitly: the identities carry on after them for the rows made later.
      for (const name of ['contacts', 'tickets']) {
        await pool.query(`select setval(pg_get_serial_sequence('${name}', 'id'), greatest((select max(id) from ${name}), 1))`);
      }
      // The triggers queued every row for search; index them now rather than leave it to a server.
      while ((await indexPostgresQueue(database.db, 2000)) > 0);
      await pool.query('analyze');
    },
  };
}
