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

/** The raw message with charset labels read as their supersets; the same bytes when none apply. */
export function widenCharsets(raw: Buffer): Buffer {
  const text = raw.toString('latin1');
  let changed = false;
  const out = text.replace(LABELS, (m, p1?: string, c1?: string, p2?: string, c2?: string, _l?: string, p3?: string, c3?: string) => {
    const prefix = p1 ?? p2 ?? p3 ?? '';
    const label = c1 ?? c2 ?? c3 ?? '';
    const to = superset(label);
    if (!to) return m;
    changed = true;
    return `${prefix}${to}`;
  });
  return changed ? Buffer.from(out, 'latin1') : raw;
}
