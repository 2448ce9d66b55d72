import iconv from 'iconv-lite';
import { betterCharset, rawHeaderCharset } from './charset-guess.js';

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
export function headerEnd(raw: Buffer, from: number): number {
  const cap = Math.min(raw.length, from + 256 * 1024);
  const window = raw.subarray(from, cap);
  const ends = [window.indexOf('\r\n\r\n'), window.indexOf('\n\n')].filter((i) => i >= 0);
  return ends.length > 0 ? from + Math.min(...ends) : cap;
}

/** How much of a text body is read to judge its charset label. */
const SAMPLE_BYTES = 96 * 1024;

/** The header field `name` of a header block, unfolded, or null. */
function field(head: string, name: string): string | null {
  const m = new RegExp(`(?:^|\\n)${name}:([^\\n]*(?:\\r?\\n[ \\t][^\\n]*)*)`, 'i').exec(head);
  return m?.[1] ? m[1].replace(/\r?\n[ \t]+/g, ' ').trim() : null;
}

function decodeQp(text: string): Buffer {
  const joined = text.replace(/=\r?\n/g, '');
  return Buffer.from(joined.replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
}

const PLAIN_BASE64 = /^[A-Za-z0-9+/\r\n]*=*[\r\n]*$/;

/** The first bytes of a part's body after its transfer encoding, and whether that is all of it. */
function bodySample(body: Buffer, encoding: string): { bytes: Buffer; cut: boolean } {
  const cut = body.length > SAMPLE_BYTES;
  const window = body.subarray(0, SAMPLE_BYTES);
  if (/^base64$/i.test(encoding)) {
    const text = window.toString('latin1');
    // A body cut short may end inside a group of four characters: that group is dropped. A whole
    // body's last group is real text (a padded one, when the byte count is not a multiple of 3),
    // and dropping it split the last character of a GBK or Big5 text, so its charset was not found.
    // Lines of the alphabet with padding only at the end (what mail clients send) are decoded as
    // they are, the decoder skipping line breaks; anything else is cleaned first.
    if (PLAIN_BASE64.test(text)) {
      const decoded = Buffer.from(text, 'base64');
      return { bytes: cut ? decoded.subarray(0, decoded.length - (decoded.length % 3)) : decoded, cut };
    }
    const b64 = text.replace(/[^A-Za-z0-9+/]/g, '');
    return { bytes: Buffer.from(cut ? b64.slice(0, b64.length - (b64.length % 4)) : b64, 'base64'), cut };
  }
  if (/^quoted-printable$/i.test(encoding)) return { bytes: decodeQp(window.toString('latin1')), cut };
  return { bytes: window, cut };
}

const WORD = /=\?([^?\s*]+)(\*[A-Za-z-]+)?\?([BbQq])\?([^?\s]*)\?=/g;

function wordBytes(kind: string, payload: string): Buffer {
  if (kind.toUpperCase() === 'B') return Buffer.from(payload, 'base64');
  return decodeQp(payload.replace(/_/g, ' '));
}

/** RFC 2047 words decoded (adjacent words joined, as the RFC says), for header text read by hand. */
export function decodeWords(text: string): string {
  return text
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(WORD, (m, label: string, _lang: string | undefined, kind: string, payload: string) => {
      const charset = superset(label) ?? label;
      return iconv.encodingExists(charset) ? iconv.decode(wordBytes(kind, payload), charset) : m;
    });
}

/** RFC 2047 words whose label does not fit their bytes get the charset that reads them, field by field. */
function relabelWords(head: string, notes: Set<string>): string {
  return head.replace(/(^|\n)([^\s:][^\n]*(?:\n[ \t][^\n]*)*)/g, (whole, lead: string, fieldText: string) => {
    if (!fieldText.includes('=?')) return whole;
    const byLabel = new Map<string, Buffer[]>();
    for (const m of fieldText.matchAll(WORD)) {
      const label = (m[1] ?? '').toLowerCase();
      byLabel.set(label, [...(byLabel.get(label) ?? []), wordBytes(m[3] ?? 'B', m[4] ?? '')]);
    }
    const relabel = new Map<string, string>();
    for (const [label, parts] of byLabel) {
      const better = betterCharset(label, Buffer.concat(parts), false);
      if (better) {
        relabel.set(label, better);
        notes.add(`A header declared charset ${label} but was written in ${better}; it was read as ${better}.`);
      }
    }
    if (relabel.size === 0) return whole;
    const fixed = fieldText.replace(WORD, (m, label: string, lang: string | undefined, kind: string, payload: string) => {
      const to = relabel.get(label.toLowerCase());
      return to ? `=?${to}${lang ?? ''}?${kind}?${payload}?=` : m;
    });
    return `${lead}${fixed}`;
  });
}

/**
 * Header fields of raw 8-bit bytes in a charset other than UTF-8 (which the parser assumes) are
 * turned into UTF-8 here, so a GBK or Shift_JIS subject or sender name is read, not replaced.
 */
function transcodeRawFields(head: string, notes: Set<string>): string {
  if (!/[\x80-\xff]/.test(head)) return head;
  const type = field(head, 'content-type');
  const bodyLabel = type ? (/charset\s*=\s*"?([A-Za-z0-9_.:-]+)/i.exec(type)?.[1] ?? null) : null;
  const label = bodyLabel ? (superset(bodyLabel) ?? bodyLabel) : null;
  return head.replace(/(^|\n)([^\s:][^\n]*(?:\n[ \t][^\n]*)*)/g, (whole, lead: string, fieldText: string) => {
    if (!/[\x80-\xff]/.test(fieldText)) return whole;
    const bytes = Buffer.from(fieldText, 'latin1');
    const charset = rawHeaderCharset(bytes, label);
    if (!charset) return whole;
    notes.add(`A header was sent as raw ${charset} bytes without a label; it was read as ${charset}.`);
    return `${lead}${Buffer.from(iconv.decode(bytes, charset), 'utf8').toString('latin1')}`;
  });
}

/** A text part whose body does not fit its charset label gets the charset that reads it. */
function relabelBody(head: string, body: Buffer, notes: Set<string>): string {
  const type = field(head, 'content-type');
  if (!type || !/^text\//i.test(type)) return head;
  const label = /charset\s*=\s*"?([A-Za-z0-9_.:-]+)/i.exec(type)?.[1];
  if (!label) return head;
  const { bytes, cut } = bodySample(body, field(head, 'content-transfer-encoding') ?? '7bit');
  const better = betterCharset(label, bytes, cut);
  if (!better) return head;
  notes.add(`The text declared charset ${label} but was written in ${better}; it was read as ${better}.`);
  return head.replace(/(content-type:[^]*?charset\s*=\s*"?)([A-Za-z0-9_.:-]+)/i, `$1${better}`);
}

/**
 * A multipart message without a boundary parameter: the boundary its body uses is put back, or,
 * when none can be found, the body is read as plain text. Either way its text is kept.
 */
function fixBoundary(head: string, body: Buffer, notes: Set<string>): string {
  const type = field(head, 'content-type');
  if (!type || !/^multipart\//i.test(type) || /boundary\s*=/i.test(type)) return head;
  const text = body.subarray(0, SAMPLE_BYTES).toString('latin1');
  const candidate = /^--([^\s"]{1,70}?)\s*$/m.exec(text)?.[1]?.replace(/--$/, '');
  const used = candidate !== undefined && text.split(`--${candidate}`).length > 2;
  notes.add(
    used
      ? 'The message is multipart but names no boundary; the boundary its body uses was read instead.'
      : 'The message is multipart but names no boundary; it was read as plain text.',
  );
  return head.replace(/(content-type:\s*)(multipart\/[A-Za-z0-9.+-]+)/i, (_m, p: string, t: string) =>
    used ? `${p}${t}; boundary="${candidate}"` : `${p}text/plain`,
  );
}

export interface RepairedRaw {
  /** The message as chunks (copying a 50 MB mail into one new buffer costs more than parsing it); `[raw]` when nothing changed. */
  chunks: Buffer[];
  /** What was read differently from what the mail declared, for the agent. */
  notes: string[];
}

/**
 * The raw message with its labels read the way its bytes need: charset labels as their
 * supersets, labels that do not fit their bytes replaced, a missing multipart boundary put back.
 * Labels live in header blocks only (the message's and each part's, which follow a boundary
 * line), so only those are rewritten; a text part's body is sampled, an attachment's never read.
 */
export function repairRaw(raw: Buffer): RepairedRaw {
  const regions: Array<[number, number]> = [[0, headerEnd(raw, 0)]];
  for (let pos = raw.indexOf('\n--', regions[0]?.[1] ?? 0); pos >= 0; pos = raw.indexOf('\n--', pos + 3)) {
    const end = headerEnd(raw, pos);
    regions.push([pos, end]);
    pos = Math.max(pos, end - 3);
  }
  const notes = new Set<string>();
  const out: Buffer[] = [];
  let last = 0;
  let changed = false;
  regions.forEach(([start, end], i) => {
    if (start < last) return;
    const bodyEnd = regions[i + 1]?.[0] ?? raw.length;
    const body = raw.subarray(end, Math.max(end, bodyEnd));
    const text = raw.subarray(start, end).toString('latin1');
    // A "--" line inside a text body starts no header block: its bytes are body text, left alone.
    const isHeader = i === 0 || /\ncontent-(type|disposition|transfer-encoding):/i.test(text);
    let fixed = relabelBody(relabelWords(widen(isHeader ? transcodeRawFields(text, notes) : text), notes), body, notes);
    if (i === 0) fixed = fixBoundary(fixed, body, notes);
    if (fixed === text) return;
    changed = true;
    out.push(raw.subarray(last, start), Buffer.from(fixed, 'latin1'));
    last = end;
  });
  if (!changed) return { chunks: [raw], notes: [] };
  out.push(raw.subarray(last));
  return { chunks: out, notes: [...notes] };
}
