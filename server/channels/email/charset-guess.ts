import { isAscii, isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

/**
 * Mail that names one charset and is written in another: an ISO-2022-JP label on Shift_JIS or
 * EUC-JP bytes, a GB2312 label on UTF-8. These check a label against the bytes it labels and name
 * the charset that reads them when the label cannot.
 */

const FAMILIES: Array<[RegExp, string[]]> = [
  [/^(iso-2022-jp.*|csiso2022jp|shift_jis|shift-jis|sjis|ms_kanji|x-sjis|windows-31j|cp932|euc-jp|x-euc-jp|cseucpkdfmtjapanese)$/i, ['shift_jis', 'euc-jp']],
  [/^(gb.*|x-gbk|cp936|ms936|windows-936|euc-cn|chinese|hz-gb-2312)$/i, ['gb18030', 'big5-hkscs']],
  [/^(big5.*|x-x-big5|cn-big5|csbig5|big-5)$/i, ['big5-hkscs', 'gb18030']],
  [/^(ks_c_5601.*|euc-kr|ksc.?5601|cseuckr|korean|cp949|iso-2022-kr)$/i, ['cp949']],
];
const EVERY_MULTIBYTE = ['gb18030', 'shift_jis', 'euc-jp', 'big5-hkscs', 'cp949'];
/** Labels whose bytes any single-byte table reads: only valid UTF-8 overrules them. */
const SEVEN_BIT_ONLY = /^(iso-2022-.*|hz-gb-2312|us-ascii|ascii)$/i;

// Native checks: a fatal TextDecoder built a string of the whole sample just to see it is valid,
// and a per-byte callback looked for high bytes; every text part of every mail goes through both.
const has8bit = (bytes: Buffer): boolean => !isAscii(bytes);

/** Share of characters a human would write: letters of the CJK scripts, kana, hangul, ASCII, punctuation. */
function plausibility(text: string): number {
  let good = 0;
  let all = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    all++;
    if (
      (c >= 0x20 && c < 0x7f) ||
      c === 0x0a ||
      c === 0x0d ||
      c === 0x09 ||
      (c >= 0xc0 && c <= 0x17f) ||
      (c >= 0x3000 && c <= 0x30ff) ||
      (c >= 0x4e00 && c <= 0x9fff) ||
      (c >= 0xac00 && c <= 0xd7af) ||
      (c >= 0xff01 && c <= 0xff5e) ||
      (c >= 0x20000 && c <= 0x2ffff) ||
      c === 0x2018 ||
      c === 0x2019 ||
      c === 0x201c ||
      c === 0x201d ||
      c === 0x2026
    ) {
      good++;
    }
  }
  return all === 0 ? 1 : good / all;
}

/** Whether a CJK character is among the everyday ones (level 1 of GB2312, JIS X 0208 or Big5). */
function everyday(ch: string): boolean {
  const gb = iconv.encode(ch, 'gb2312');
  if (gb.length === 2 && (gb[0] ?? 0) >= 0xb0 && (gb[0] ?? 0) <= 0xd7) return true;
  const sj = iconv.encode(ch, 'shift_jis');
  if (sj.length === 2 && (sj[0] ?? 0) >= 0x88 && (sj[0] ?? 0) <= 0x98) return true;
  const b5 = iconv.encode(ch, 'big5');
  return b5.length === 2 && (b5[0] ?? 0) >= 0xa4 && (b5[0] ?? 0) <= 0xc6;
}

/**
 * Share of non-ASCII characters that are kana, hangul or everyday ideographs: the same bytes read
 * as GB18030 and as Shift_JIS both give ideographs, but only the right reading gives common ones.
 */
function commonness(text: string): number {
  let seen = 0;
  let common = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) continue;
    if (++seen > 2000) break;
    if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff01 && c <= 0xff5e)) common++;
    else if (c >= 0x4e00 && c <= 0x9fff && everyday(ch)) common++;
  }
  return seen === 0 ? 1 : common / Math.min(seen, 2000);
}

function decoded(bytes: Buffer, charset: string): string | null {
  if (!iconv.encodingExists(charset)) return null;
  const text = iconv.decode(bytes, charset);
  // A replacement character the bytes did not carry means they are not in this charset.
  if (text.includes('\uFFFD') && !bytes.includes(Buffer.from([0xef, 0xbf, 0xbd]))) return null;
  return text;
}

/**
 * The charset to read `bytes` with instead of `declared` (already widened to its superset), or
 * null when the label fits. `bytes` may be cut short: the last few bytes are not judged.
 */
export function betterCharset(declared: string, bytes: Buffer, cut: boolean): string | null {
  const sample = cut ? bytes.subarray(0, Math.max(0, bytes.length - 4)) : bytes;
  if (!has8bit(sample)) return null;
  const label = declared.toLowerCase();
  const declaredUtf8 = /^utf-?8$/.test(label);
  if (declaredUtf8 && isUtf8(sample)) return null;
  // Valid UTF-8 with 8-bit bytes is almost never text in another charset that happens to fit.
  if (!declaredUtf8 && isUtf8(sample)) return 'utf-8';
  const family = FAMILIES.find(([re]) => re.test(label))?.[1] ?? [];
  if (!declaredUtf8 && !SEVEN_BIT_ONLY.test(label)) {
    const own = decoded(sample, label);
    // A single-byte table reads anything; only a multi-byte label can be caught out.
    if (own !== null && (family.length === 0 || plausibility(own) >= 0.97)) return null;
    if (own === null && !iconv.encodingExists(label)) return null;
  }
  let best: { charset: string; score: number } | null = null;
  for (const charset of [...new Set([...family, ...EVERY_MULTIBYTE])]) {
    const text = decoded(sample, charset);
    if (text === null) continue;
    const plausible = plausibility(text);
    if (plausible < 0.9) continue;
    const score = plausible + commonness(text);
    if (!best || score > best.score) best = { charset, score };
  }
  return best ? best.charset : null;
}

/**
 * The charset of 8-bit header bytes sent without any label (RFC 2047 says to encode them; many
 * clients do not): the part's own body charset when it reads them, else a guess. Mostly lone
 * high bytes between ASCII letters are a Latin single-byte charset; runs of them, a CJK one.
 */
export function rawHeaderCharset(bytes: Buffer, bodyLabel: string | null): string | null {
  if (!has8bit(bytes) || isUtf8(bytes)) return null;
  if (bodyLabel && !/^utf-?8$/i.test(bodyLabel) && iconv.encodingExists(bodyLabel)) {
    const text = decoded(bytes, bodyLabel);
    if (text !== null && plausibility(text) >= 0.97) return bodyLabel;
  }
  let high = 0;
  let paired = 0;
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] ?? 0) < 0x80) continue;
    high++;
    if ((bytes[i + 1] ?? 0) >= 0x80 || (bytes[i - 1] ?? 0) >= 0x80) paired++;
  }
  if (paired * 2 < high) return 'windows-1252';
  return betterCharset('utf-8', bytes, false) ?? 'windows-1252';
}
