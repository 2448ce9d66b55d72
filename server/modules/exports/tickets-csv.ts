import type { AppContext } from '../../context.js';
import { rawRows } from '../../db/raw-rows.js';
import type { TicketFilters } from '../tickets/filters.js';
import { listedTicketIdsQuery, type TicketTextMatch } from '../tickets/list.js';
import type { Viewer } from '../tickets/policy.js';
import { BOM, csvRow, type CsvValue } from './csv.js';

/** Rows are read this many at a time: the connection is shared, so no statement stays open across an await. */
const CHUNK = 1000;

const HEADER = [
  'number', 'subject', 'status', 'priority', 'channel_kind', 'channel', 'contact', 'contact_email', 'contact_phone',
  'assignee', 'team', 'labels', 'created_at', 'updated_at', 'first_response_at', 'resolved_at',
  'first_response_seconds', 'resolution_seconds', 'agent_replies', 'reopens', 'messages',
];
const TIME_COLUMNS = new Set([12, 13, 14, 15]);

const COLUMNS = (labels: string) => `
  select t.number, t.subject, t.status, t.priority, t.channel_kind, t.channel_name, c.name, c.email, c.phone,
         a.name, tm.name,
         (select ${labels} from ticket_labels tl join labels l on l.id = tl.label_id where tl.ticket_id = t.id),
         t.created_at, t.updated_at, t.first_response_at, t.resolved_at,
         t.first_response_seconds, t.resolution_seconds, t.agent_reply_count, t.reopen_count, t.message_count`;
const JOINS = `
    left join contacts c on c.id = t.contact_id
    left join agents a on a.id = t.assignee_id
    left join teams tm on tm.id = t.team_id`;

/** A chunk of ids (a JSON array) in, its rows out in the array's order (each driver's JSON rows keep their index). */
const ROWS_SQL = {
  sqlite: `${COLUMNS(`group_concat(l.name, '; ')`)}
    from json_each(?) j
    join tickets t on t.id = j.value ${JOINS}
   order by j.key`,
  // Labels in the order SQLite's (ticket_id, label_id) key walks them, so both drivers export the same text.
  postgres: `${COLUMNS(`string_agg(l.name, '; ' order by tl.label_id)`)}
    from json_array_elements_text(?::json) with ordinality j(value, key)
    join tickets t on t.id = j.value::bigint ${JOINS}
   order by j.key`,
};

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
  const src = rawRows(ctx.database);
  const ids = await src.column<number>(compiled.sql, compiled.parameters);
  const rows = ROWS_SQL[src.driver];
  for (let i = 0; i < ids.length; i += CHUNK) {
    let text = '';
    for (const row of await src.all<CsvValue[]>(rows, [JSON.stringify(ids.slice(i, i + CHUNK))])) text += csvRow(cellsOf(row));
    yield text;
  }
}
