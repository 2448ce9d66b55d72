/**
 * The rows of the first COPY ... FROM stdin block in SQL text pg_restore wrote, as column → value
 * (null for \N). Enough of PostgreSQL's text format to read back a table of a dump without a server.
 */
export function copyRows(text: string): Array<Record<string, string | null>> {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^COPY \S+ \(.*\) FROM stdin;$/.test(l));
  if (start < 0) return [];
  const columns = (/\((.*)\) FROM stdin;$/.exec(lines[start] as string)?.[1] ?? '').split(', ').map((c) => c.replace(/^"|"$/g, ''));
  const rows: Array<Record<string, string | null>> = [];
  for (let i = start + 1; i < lines.length && lines[i] !== '\\.'; i++) {
    const fields = (lines[i] as string).split('\t');
    rows.push(Object.fromEntries(columns.map((c, n) => [c, unescapeField(fields[n] ?? '')])));
  }
  return rows;
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

function unescapeField(field: string): string | null {
  if (field === '\\N') return null;
  return field.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ESCAPES[e] ?? e;
  });
}
