import type { AnyDatabase } from '../../db/postgres.js';
import { rawRows } from '../../db/raw-rows.js';
import { BOM, csvRow, type CsvValue } from './csv.js';

const CHUNK = 1000;
const HEADER = ['id', 'name', 'email', 'email_verified', 'phone', 'language', 'identities', 'tickets', 'created_at', 'last_seen_at'];

// Keyset pages by id: each page is one short statement, never held open while the client reads.
const PAGE_SQL = (identities: string) => `
  select c.id, c.name, c.email, c.email_verified, c.phone, c.language,
         (select ${identities} from contact_identities i where i.contact_id = c.id),
         (select count(*) from tickets t where t.contact_id = c.id and t.merged_into_id is null),
         c.created_at, c.last_seen_at
    from contacts c where c.id > ? order by c.id limit ${CHUNK}`;
const IDENTITY = `i.kind || ':' || i.value`;
const PAGE = {
  sqlite: PAGE_SQL(`group_concat(${IDENTITY}, '; ')`),
  // In the order SQLite's contact_id index walks them (then by id), so both drivers export the same text.
  postgres: PAGE_SQL(`string_agg(${IDENTITY}, '; ' order by i.id)`),
};

const iso = (v: CsvValue): CsvValue => (typeof v === 'number' ? new Date(v).toISOString() : v);

/** Every contact as CSV, a page of rows at a time. */
export async function* contactsCsv(database: AnyDatabase): AsyncGenerator<string> {
  yield BOM + csvRow(HEADER);
  const src = rawRows(database);
  for (let after = 0; ; ) {
    const rows = await src.all<CsvValue[]>(PAGE[src.driver], [after]);
    if (rows.length === 0) return;
    let text = '';
    for (const row of rows) {
      after = row[0] as number;
      text += csvRow([row[0], row[1], row[2], row[3] === 1 ? 'yes' : 'no', row[4], row[5], row[6], row[7], iso(row[8]), iso(row[9])]);
    }
    yield text;
  }
}
