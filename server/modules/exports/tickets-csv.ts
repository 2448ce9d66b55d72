import type { AppContext } from '../../context.js';
import type { TicketFilters } from '../tickets/filters.js';
import { listedTicketIdsQuery, type TicketTextMatch } from '../tickets/list.js';
import type { Viewer } from '../tickets/policy.js';
import { BOM, csvRow, type CsvValue } from './csv.js';
import { sqliteOnly } from '../../db/sqlite-only.js';

/** Rows are read this many at a time: the connection is shared, so no statement stays open across an await. */
const CHUNK = 1000;

const HEADER = [
  'number', 'subject', 'status', 'priority', 'channel_kind', 'channel', 'contact', 'contact_email', 'contact_phone',
  'assignee', 'team', 'labels', 'created_at', 'updated_at', 'first_response_at', 'resolved_at',
  'first_response_seconds', 'resolution_seconds', 'agent_replies', 'reopens', 'messages',
];
const TIME_COLUMNS = new Set([12, 13, 14, 15]);

// json_each keeps the ids' order (its key), so a chunk comes back in the list's order.
const ROWS_SQL = `
  select t.number, t.subject, t.status, t.priority, t.channel_kind, t.channel_name, c.name, c.email, c.phone,
         a.name, tm.name,
         (select group_concat(l.name, '; ') from ticket_labels tl join labels l on l.id = tl.label_id where tl.ticket_id = t.id),
         t.created_at, t.updated_at, t.first_response_at, t.resolved_at,
         t.first_response_seconds, t.resolution_seconds, t.agent_reply_count, t.reopen_count, t.message_count
    from json_each(?) j
    join tickets t on t.id = j.value
    left join contacts c on c.id = t.contact_id
    left join agents a on a.id = t.assignee_id
    left join teams tm on tm.id = t.team_id
   order by j.key`;

const cellsOf = (row: CsvValue[]): CsvValue[] =>
  row.map((v, i) => (TIME_COLUMNS.has(i) && typeof v === 'number' ? new Date(v).toISOString() : v));

/**
 * The ticket list as CSV, in the list's order and within the viewer's scope, as chunks of text.
 * Only the ids (4 bytes of sort work each) are held at once; rows are read and formatted a chunk
 * at a time, and the next chunk is read only when the client has taken the last (a pull stream).
 */
export async function* ticketsCsv(ctx: AppContext, viewer: Viewer, filters: TicketFilters, textMatch?: TicketTextMatch): AsyncGenerator<string> {
  yield BOM + csvRow(HEADER);
  const query = await listedTicketIdsQuery(ctx, viewer, filters, textMatch);
  if (!query) return;
  const compiled = query.compile();
  const sqlite = sqliteOnly(ctx.database, 'ticket export').sqlite;
  const ids = sqlite.prepare(compiled.sql).pluck().all(...compiled.parameters) as number[];
  const rows = sqlite.prepare(ROWS_SQL).raw(true);
  for (let i = 0; i < ids.length; i += CHUNK) {
    let text = '';
    for (const row of rows.iterate(JSON.stringify(ids.slice(i, i + CHUNK)))) text += csvRow(cellsOf(row as CsvValue[]));
    yield text;
  }
}
