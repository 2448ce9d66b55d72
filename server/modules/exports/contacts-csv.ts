import type { Database } from '../../db/database.js';
import { BOM, csvRow, type CsvValue } from './csv.js';

const CHUNK = 1000;
const HEADER = ['id', 'name', 'email', 'email_verified', 'phone', 'language', 'identities', 'tickets', 'created_at', 'last_seen_at'];

// Keyset pages by id: each page is one short statement, never held open while the client reads.
const PAGE_SQL = `
  select c.id, c.name, c.email, c.email_verified, c.phone, c.language,
         (select group_concat(i.kind || ':' || i.value, '; ') from contact_identities i where i.contact_id = c.id),
         (select count(*) from tickets t where t.contact_id = c.id and t.merged_into_id is null),
         c.created_at, c.last_seen_at
    from contacts c where c.id > ? order by c.id limit ${CHUNK}`;

const iso = (v: CsvValue): CsvValue => (typeof v === 'number' ? new Date(v).toISOString() : v);

/** Every contact as CSV, a page of rows at a time. */
export async function* contactsCsv(database: Database): AsyncGenerator<string> {
  yield BOM + csvRow(HEADER);
  const page = database.sqlite.prepare(PAGE_SQL).raw(true);
  for (let after = 0; ; ) {
    let text = '';
    let n = 0;
    for (const row of page.iterate(after) as IterableIterator<CsvValue[]>) {
      after = row[0] as number;
      n++;
      text += csvRow([row[0], row[1], row[2], row[3] === 1 ? 'yes' : 'no', row[4], row[5], row[6], row[7], iso(row[8]), iso(row[9])]);
    }
    if (n === 0) return;
    yield text;
  }
}
