/**
 * Finds where the quoted earlier conversation and the signature start in a plain-text reply,
 * so the timeline can show the new text first and fold the rest. The full text is always kept;
 * these are only offsets into it.
 */

const SEPARATOR_LINES = [
  /^-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|原始邮件|原始郵件|原始信件|元のメッセージ|원본 메시지)\s*-{2,}\s*$/i,
  /^-{2,}\s*(reply message|回复的原邮件|回覆的原郵件)\s*-{2,}\s*$/i,
];

/** An Outlook / Foxmail / QQ Mail header block: `From:` followed closely by `Sent:` or `Date:`. */
const HEADER_FROM = /^\*?(from|发件人|寄件者|寄件人|差出人|보낸 사람|von|de)\s*\*?\s*[:：]/i;
const HEADER_NEXT = /^\*?(sent|date|to|cc|subject|发送时间|日期|时间|收件人|抄送|主题|寄件日期|傳送時間|收件者|副本|主旨|送信日時|日時|宛先|件名|보낸 날짜|받는 사람|gesendet|an|envoyé|à|enviado|para)\s*\*?\s*[:：]/i;

/** "On <date>, <name> wrote:" and its translations; may span two lines. */
const WROTE_LINES = [
  /^on\b.{0,300}\bwrote\s*:\s*$/i,
  /^am\b.{0,300}\bschrieb\b.{0,200}:\s*$/i,
  /^le\b.{0,300}\ba écrit\s*:\s*$/i,
  /^el\b.{0,300}\bescribió\s*:\s*$/i,
  /.{0,300}(于|於).{0,200}(写道|寫道)\s*[:：]\s*$/,
  /^(在|於).{0,300}(写道|寫道)\s*[:：]\s*$/,
  /.{0,300}(書きました|が書きました|wrote)\s*[:：]\s*$/,
  /.{0,300}작성\s*[:：]\s*$/,
];

const FORWARD_LINES = [
  /^-{2,}\s*(forwarded message|weitergeleitete nachricht|message transféré)\s*-{2,}\s*$/i,
  /^begin forwarded message\s*:\s*$/i,
  /^-{2,}\s*(转发的邮件|转发邮件|轉寄的郵件|転送されたメッセージ)\s*-{2,}\s*$/,
];

const SIGNATURE_LINES = [
  /^-- ?$/,
  // QQ Mail and Foxmail put eighteen dashes above the signature.
  /^-{18}$/,
  /^(sent from my (iphone|ipad|android|mobile( device)?|samsung|huawei|xiaomi)|sent from mail for windows|get outlook for (ios|android))\b/i,
  /^(获取|獲取|取得)\s*outlook\s*(for|適用於)?\s*(ios|android)/i,
  /^(发自我的|發自我的|从我的|從我的)\s*(iphone|ipad|手机|手機|华为|小米|android).{0,10}$/i,
  /^(von meinem (iphone|ipad|smartphone) gesendet|envoyé de mon (iphone|ipad))$/i,
  /^(iphoneから送信|ipadから送信)$/i,
];

interface Line {
  text: string;
  start: number;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (const raw of text.split('\n')) {
    lines.push({ text: raw.replace(/\r$/, '').replace(/\u00a0/g, ' ').trim(), start });
    start += raw.length + 1;
  }
  return lines;
}

const isQuoted = (l: Line): boolean => l.text.startsWith('>');

/** The first `>` line after which every non-empty line is quoted too: a quote at the bottom. */
function trailingQuoteBlock(lines: Line[]): number | null {
  let candidate: number | null = null;
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i] as Line;
    if (l.text === '') continue;
    if (!isQuoted(l)) break;
    candidate = i;
  }
  return candidate;
}

function matchesAny(text: string, patterns: RegExp[]): boolean {
  return patterns.some((p) => p.test(text));
}

function nextNonEmpty(lines: Line[], i: number): Line | undefined {
  for (let j = i + 1; j < lines.length; j++) if ((lines[j] as Line).text !== '') return lines[j];
  return undefined;
}

/** A `From:` line directly followed by another header line (`Sent:`, `Date:`, `To:`...). */
function isOutlookHeader(lines: Line[], i: number): boolean {
  if (!HEADER_FROM.test((lines[i] as Line).text)) return false;
  const next = nextNonEmpty(lines, i);
  return next !== undefined && HEADER_NEXT.test(next.text);
}

const endsWithColon = (t: string): boolean => /[:：]$/.test(t);

function wroteLineAt(lines: Line[], i: number): number | null {
  const here = (lines[i] as Line).text;
  if (here === '' || here.length > 400) return null;
  // Every attribution ends with a colon; testing that first keeps long bodies cheap.
  if (endsWithColon(here) && matchesAny(here, WROTE_LINES)) return i;
  const next = lines[i + 1];
  // Clients wrap long attributions: "On Mon, 3 Jun 2024 at 10:00, Jane Doe <jane@example.com>\nwrote:"
  if (next && endsWithColon(next.text) && next.text.length < 100 && /^(on|am|le)\b/i.test(here) && matchesAny(`${here} ${next.text}`, WROTE_LINES)) {
    return i;
  }
  // Japanese Gmail: "2024年1月15日(月) 10:00 山田 <yamada@example.jp>:" then quoted lines.
  const following = nextNonEmpty(lines, i);
  if (endsWithColon(here) && /\d{4}/.test(here) && following && isQuoted(following)) return i;
  return null;
}

export interface QuoteInfo {
  /** Offset in the text where the quoted conversation begins, or null. */
  quoteStart: number | null;
  /** Offset where the sender's signature begins (before any quote), or null. */
  signatureStart: number | null;
  /** The message forwards another mail: that part is content, not a quote. */
  forwarded: boolean;
}

export function analyzeQuotes(text: string): QuoteInfo {
  const lines = splitLines(text);
  let quoteLine: number | null = null;
  let forwarded = false;
  for (let i = 0; i < lines.length && quoteLine === null; i++) {
    const t = (lines[i] as Line).text;
    if (matchesAny(t, FORWARD_LINES)) {
      forwarded = true;
      break;
    }
    if (matchesAny(t, SEPARATOR_LINES) || isOutlookHeader(lines, i)) {
      quoteLine = i;
    } else if (/^_{8,}$/.test(t) && lines[i + 1] && HEADER_FROM.test((lines[i + 1] as Line).text)) {
      quoteLine = i;
    } else {
      quoteLine = wroteLineAt(lines, i);
    }
  }
  if (quoteLine === null && !forwarded) quoteLine = trailingQuoteBlock(lines);

  const end = quoteLine ?? lines.length;
  let signatureLine: number | null = null;
  for (let i = 0; i < end; i++) {
    if (matchesAny((lines[i] as Line).text, SIGNATURE_LINES)) {
      signatureLine = i;
      break;
    }
  }
  return {
    quoteStart: quoteLine === null ? null : (lines[quoteLine] as Line).start,
    signatureStart: signatureLine === null ? null : (lines[signatureLine] as Line).start,
    forwarded,
  };
}
