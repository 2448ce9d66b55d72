/**
 * Mail clients label text with the older, smaller charset and then use characters only its
 * superset has (GBK characters in "gb2312" mail, HKSCS in "big5", curly quotes in "iso-8859-1").
 * Like the WHATWG encoding standard, read each label as its superset so those characters decode.
 */
const SUPERSETS: Array<[RegExp, string]> = [
  [/^(gb_?2312(-80)?|gbk|x-gbk|cp936|ms936|windows-936|euc-cn|csgb2312|chinese)$/i, 'gb18030'],
  [/^(big5|x-x-big5|cn-big5|csbig5|big-5)$/i, 'big5-hkscs'],
  [/^(ks_c_5601-1987|ks_c_5601|euc-kr|ks_c_5601-1989|ksc5601|ksc_5601|cseuckr|korean)$/i, 'cp949'],
  [/^(iso-8859-1|iso8859-1|iso_8859-1|latin1|l1|cp819|ibm819)$/i, 'windows-1252'],
  [/^(tis-620|iso-8859-11)$/i, 'windows-874'],
  [/^(iso-8859-9|latin5)$/i, 'windows-1254'],
];

function superset(label: string): string | null {
  for (const [re, to] of SUPERSETS) if (re.test(label)) return to;
  return null;
}

// charset="x" parameters, RFC 2047 words (=?x?B?), RFC 2231 values (*=x'lang'...).
const LABELS = /(charset\s*=\s*"?)([A-Za-z0-9_.:-]+)|(=\?)([A-Za-z0-9_.:-]+)(?=(\*[A-Za-z-]+)?\?[BbQq]\?)|(\*\s*=\s*"?)([A-Za-z0-9_.:-]+)(?=')/g;

function widen(text: string): string {
  return text.replace(LABELS, (m, p1?: string, c1?: string, p2?: string, c2?: string, _l?: string, p3?: string, c3?: string) => {
    const to = superset(c1 ?? c2 ?? c3 ?? '');
    return to ? `${p1 ?? p2 ?? p3 ?? ''}${to}` : m;
  });
}

/** End of the header block starting at `from`: its blank line, capped so a damaged mail stays cheap. */
function headerEnd(raw: Buffer, from: number): number {
  const cap = Math.min(raw.length, from + 256 * 1024);
  const window = raw.subarray(from, cap);
  const ends = [window.indexOf('\r\n\r\n'), window.indexOf('\n\n')].filter((i) => i >= 0);
  return ends.length > 0 ? from + Math.min(...ends) : cap;
}

/**
 * The raw message with charset labels read as their supersets, as chunks (copying a 50 MB mail
 * into one new buffer costs more than parsing it); `[raw]` when no label needs widening.
 * Labels live in header blocks only (the message's and each part's, which follow a boundary
 * line), so only those are rewritten and an attachment's body is never scanned.
 */
export function widenCharsets(raw: Buffer): Buffer[] {
  const regions: Array<[number, number]> = [[0, headerEnd(raw, 0)]];
  for (let pos = raw.indexOf('\n--', regions[0]?.[1] ?? 0); pos >= 0; pos = raw.indexOf('\n--', pos + 3)) {
    const end = headerEnd(raw, pos);
    regions.push([pos, end]);
    pos = Math.max(pos, end - 3);
  }
  const out: Buffer[] = [];
  let last = 0;
  let changed = false;
  for (const [start, end] of regions) {
    if (start < last) continue;
    const text = raw.subarray(start, end).toString('latin1');
    const widened = widen(text);
    if (widened === text) continue;
    changed = true;
    out.push(raw.subarray(last, start), Buffer.from(widened, 'latin1'));
    last = end;
  }
  if (!changed) return [raw];
  out.push(raw.subarray(last));
  return out;
}
