import { Readable } from 'node:stream';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { InboundAttachment } from '../../intake/types.js';
import { detectAutoReply, type AutoReplyVerdict } from './auto-reply.js';
import { headerEnd, repairRaw } from './charsets.js';
import { parseBounce, type BounceInfo } from './bounce.js';
import { sanitizeEmailHtml } from './html.js';
import { messageIdList, normalizeMessageId, syntheticMessageId } from './message-id.js';
import { readMime, type ReadAttachment, type ReadMail, type Spool } from './mime-read.js';
import { analyzeQuotes, type QuoteInfo } from './quotes.js';
import { isUsableAddress, readSender } from './sender.js';
import { cleanFilename, cleanHeaderText, textFromHtml } from './text.js';

export interface MailAddress {
  address: string;
  name: string;
}

export interface ParsedEmail {
  /** The Message-ID without brackets; synthesised from the bytes when the mail has none. */
  messageId: string;
  messageIdSynthesized: boolean;
  inReplyTo: string[];
  references: string[];
  from: MailAddress | null;
  /** The From text when it held no usable address (e.g. `<<<@@@>>>`): kept, never answered. */
  invalidSender: string | null;
  replyTo: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  /** Every address the mail was delivered to (To, Cc, Delivered-To, X-Original-To), lowercased. */
  recipients: string[];
  subject: string;
  date: number | null;
  text: string;
  html: string | null;
  quote: QuoteInfo;
  attachments: InboundAttachment[];
  autoReply: AutoReplyVerdict | null;
  bounce: BounceInfo | null;
  blockedRemoteImages: number;
  /** What could not be kept as it was (oversized attachment, undecodable charset...), for the agent. */
  notes: string[];
  size: number;
}

export interface ParseOptions {
  /** Attachments larger than this are dropped with a note; the message itself is kept. */
  maxAttachmentBytes: number;
  /** Large attachments go straight to the attachment store while the mail is read; unset keeps all in memory. */
  spool?: Spool | undefined;
}

const REPLACEMENT = '\uFFFD';

function addresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const out: MailAddress[] = [];
  const walk = (list: AddressObject['value']): void => {
    for (const a of list) {
      if (a.group) walk(a.group);
      else if (a.address && isUsableAddress(a.address.trim().toLowerCase())) {
        out.push({ address: a.address.trim().toLowerCase(), name: cleanHeaderText(a.name ?? '', 200) });
      }
    }
  };
  for (const obj of Array.isArray(value) ? value : value ? [value] : []) walk(obj.value);
  return out;
}

function headerGetter(mail: ParsedMail | ReadMail): (name: string) => string | undefined {
  const lines = new Map<string, string>();
  for (const { key, line } of mail.headerLines) {
    if (!lines.has(key)) lines.set(key, line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim());
  }
  return (name) => lines.get(name);
}

function declaredCharsets(raw: Buffer): string[] {
  const head = raw.subarray(0, Math.min(raw.length, 2 * 1024 * 1024)).toString('latin1');
  const found = new Set<string>();
  for (const m of head.matchAll(/charset\s*=\s*"?([A-Za-z0-9_:.+-]+)/gi)) found.add((m[1] ?? '').toLowerCase());
  for (const m of head.matchAll(/=\?([A-Za-z0-9_:.+-]+?)(\*[a-z-]+)?\?[bq]\?/gi)) found.add((m[1] ?? '').toLowerCase());
  return [...found].filter((c) => !/^(utf-?8|us-ascii|ascii)$/.test(c));
}

function parseDate(value: string | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value.replace(/\s*\([^)]*\)\s*$/, ''));
  return Number.isNaN(ms) ? null : ms;
}

function isTruncatedMultipart(mail: ParsedMail | ReadMail, raw: Buffer): boolean {
  const ct = mail.headers.get('content-type');
  if (!ct || typeof ct !== 'object' || !('params' in ct)) return false;
  const boundary = (ct.params as Record<string, string>).boundary;
  if (!boundary) return false;
  const tail = raw.subarray(Math.max(0, raw.length - 64 * 1024)).toString('latin1');
  return !tail.includes(`--${boundary}--`);
}

/** Content-IDs the HTML shows as `cid:` images, whatever part type or disposition their parts declare. */
function referencedCids(html: string | false | undefined): Set<string> {
  const found = new Set<string>();
  if (typeof html !== 'string') return found;
  for (const m of html.matchAll(/cid:([^"'\s>)]+)/gi)) {
    try {
      found.add(decodeURIComponent(m[1] ?? '').toLowerCase());
    } catch {
      found.add((m[1] ?? '').toLowerCase());
    }
  }
  return found;
}

function keepAttachment(a: ReadAttachment, i: number, opts: ParseOptions, notes: string[], shown: Set<string>): InboundAttachment | null {
  const filename = cleanFilename(a.filename, a.contentType, i);
  if (a.tooLarge || a.size > opts.maxAttachmentBytes) {
    const mb = (a.size / (1024 * 1024)).toFixed(1);
    notes.push(`Attachment "${filename}" (${mb} MB) is larger than the ${Math.round(opts.maxAttachmentBytes / (1024 * 1024))} MB limit and was not stored.`);
    return null;
  }
  const cid = a.cid?.replace(/^<|>$/g, '');
  const inline = Boolean(cid) && (a.related === true || a.contentDisposition === 'inline' || shown.has((cid ?? '').toLowerCase()));
  return { filename, contentType: a.contentType || 'application/octet-stream', content: a.content, stored: a.stored, contentId: cid, inline };
}

function fromParsed(mail: ParsedMail | ReadMail, raw: Buffer, opts: ParseOptions, notes: string[]): ParsedEmail {
  const header = headerGetter(mail);
  const { from, invalid: invalidSender } = readSender(header('from'), addresses(mail.from)[0] ?? null);
  const to = addresses(mail.to);
  const cc = addresses(mail.cc);
  const extra = ['delivered-to', 'x-original-to', 'envelope-to']
    .map((h) => header(h)?.replace(/[<>]/g, '').trim().toLowerCase())
    .filter((v): v is string => Boolean(v && v.includes('@')));
  const subject = cleanHeaderText(mail.subject ?? '', 998);
  if (mail.subject && /[\r\n]/.test(mail.subject)) notes.push('The subject contained line breaks; they were removed.');

  const ownId = normalizeMessageId(mail.messageId);
  const sanitized = typeof mail.html === 'string' && mail.html.trim() !== '' ? sanitizeEmailHtml(mail.html) : null;
  let text = (mail.text ?? '').replace(/\x00/g, '').replace(/\r\n/g, '\n');
  if (text.trim() === '' && sanitized) text = textFromHtml(sanitized.html);
  const shown = referencedCids(mail.html);
  const attachments = mail.attachments
    .map((a, i) => keepAttachment(a, i, opts, notes, shown))
    .filter((a): a is InboundAttachment => a !== null);

  if ((text + subject + (from?.name ?? '')).includes(REPLACEMENT)) {
    const charsets = declaredCharsets(raw);
    notes.push(`Some characters could not be decoded${charsets.length ? ` (declared charset: ${charsets.join(', ')})` : ''}; they are shown as \uFFFD.`);
  }
  if (invalidSender) notes.push(`The sender address "${invalidSender}" is invalid; the message was kept but will not be answered automatically.`);
  else if (!from) notes.push('The message has no usable From address.');
  if (isTruncatedMultipart(mail, raw)) notes.push('The message ends before its MIME structure is complete; it may be truncated.');
  if (text.trim() === '' && !sanitized?.html && attachments.length === 0) notes.push('The message has no text.');

  return {
    messageId: ownId ?? syntheticMessageId(raw),
    messageIdSynthesized: ownId === null,
    inReplyTo: messageIdList(mail.inReplyTo),
    references: messageIdList(mail.references),
    from,
    invalidSender,
    replyTo: addresses(mail.replyTo)[0] ?? null,
    to,
    cc,
    recipients: [...new Set([...to, ...cc].map((a) => a.address).concat(extra))],
    subject,
    date: parseDate(header('date')),
    text,
    html: sanitized?.html || null,
    quote: analyzeQuotes(text),
    attachments,
    autoReply: detectAutoReply(header, subject, from?.address ?? null),
    bounce: parseBounce(mail, from?.address ?? null, subject),
    blockedRemoteImages: sanitized?.blockedRemoteImages ?? 0,
    notes,
    size: raw.length,
  };
}

/** When MIME parsing fails outright, the bytes are still kept as text so nothing is lost. */
function fallback(raw: Buffer, err: unknown): ParsedEmail {
  const text = raw.subarray(0, 1024 * 1024).toString('utf8').replace(/\x00/g, '');
  return {
    messageId: syntheticMessageId(raw),
    messageIdSynthesized: true,
    inReplyTo: [],
    references: [],
    from: null,
    invalidSender: null,
    replyTo: null,
    to: [],
    cc: [],
    recipients: [],
    subject: '',
    date: null,
    text,
    html: null,
    quote: { quoteStart: null, signatureStart: null, forwarded: false },
    attachments: [],
    autoReply: null,
    bounce: null,
    blockedRemoteImages: 0,
    notes: [failedNote(err)],
    size: raw.length,
  };
}

const failedNote = (err: unknown): string =>
  `The message could not be parsed (${err instanceof Error ? err.message : String(err)}); its raw text is shown.`;

const TEXT_BODY_MAX = 1024 * 1024;

/**
 * A mail whose MIME structure the parser refuses (over 1,000 parts, say) keeps its header: it is
 * read again as one plain-text message with the same header and the raw body as its text, so the
 * sender, subject and Message-ID survive and the agent can answer; the original is attached.
 */
async function headerKept(raw: Buffer, opts: ParseOptions, err: unknown): Promise<ParsedEmail> {
  const end = headerEnd(raw, 0);
  const head = raw
    .subarray(0, end)
    .toString('latin1')
    .replace(/(^|\n)content-(type|transfer-encoding):[^\n]*(\n[ \t][^\n]*)*/gi, '')
    .replace(/\r?\n?$/, '');
  const body = raw.subarray(end, end + TEXT_BODY_MAX).toString('utf8').replace(/^\r?\n\r?\n?/, '');
  const rebuilt = Buffer.concat([
    Buffer.from(`${head}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`, 'latin1'),
    Buffer.from(body, 'utf8'),
  ]);
  const mail = await simpleParser(rebuilt, { skipTextToHtml: true, skipTextLinks: true, checksumAlgo: false });
  const parsed = fromParsed(mail, raw, opts, [failedNote(err)]);
  // The original goes with it, for the agent to open in a mail program.
  if (raw.length <= opts.maxAttachmentBytes) {
    parsed.attachments.push({ filename: 'original-message.eml', contentType: 'message/rfc822', content: raw, inline: false });
  }
  return parsed;
}

/**
 * The message in 64 KB views (no copies): fed whole, the parser would decode a 40 MB mail in one
 * step and queue all of it at once; fed in slices, it goes no faster than its parts are stored.
 */
function* slices(chunks: Buffer[]): Generator<Buffer> {
  const SLICE = 64 * 1024;
  for (const chunk of chunks) for (let i = 0; i < chunk.length; i += SLICE) yield chunk.subarray(i, i + SLICE);
}

/** Raw RFC 5322 bytes → everything Kefu keeps of an email. Never throws for bad input. */
export async function parseEmail(raw: Buffer, opts: ParseOptions): Promise<ParsedEmail> {
  const notes: string[] = [];
  let mail: ReadMail;
  try {
    const { chunks, notes: repairs } = repairRaw(raw);
    notes.push(...repairs);
    mail = await readMime(
      Readable.from(slices(chunks), { objectMode: false }),
      { keepDeliveryStatus: true, maxHtmlLengthToParse: 5_000_000, checksumAlgo: false, skipTextToHtml: true, skipTextLinks: true },
      opts.spool ?? null,
    );
  } catch (err) {
    return headerKept(raw, opts, err).catch(() => fallback(raw, err));
  }
  if (mail.textConversionError) notes.push('The HTML body could not be converted to plain text.');
  return fromParsed(mail, raw, opts, notes);
}
