import type { DbOrTx } from '../../db/database.js';
import { hmacHex } from '../../crypto.js';
import { attachmentPath } from '../../modules/attachments/storage.js';
import type { EmailChannelConfig } from './config-schema.js';
import { replyAddress } from './reply-address.js';
import { cleanHeaderText } from './text.js';

/** What nodemailer needs, minus the transport; kept as plain data so it can be tested alone. */
export interface OutgoingMail {
  from: { name: string; address: string };
  replyTo?: string | undefined;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
  html?: string | undefined;
  messageId: string;
  inReplyTo?: string | undefined;
  references: string[];
  attachments: Array<{ filename: string; path: string; contentType: string; cid?: string | undefined }>;
  headers: Record<string, string>;
}

const REPLY_PREFIX = /^\s*((re|aw|sv|vs|antw|fwd?|wg|回复|回覆|答复|答覆|转发|轉寄)\s*(\[\d+\])?\s*[:：]\s*)+/i;

/** `Re: <subject> [#1042]`: one Re:, the ticket token kept (mail clients and our threading rely on it). */
export function replySubject(subject: string, ticketNumber: number | null): string {
  const base = cleanHeaderText(subject, 900).replace(REPLY_PREFIX, '').trim() || '(no subject)';
  const token = ticketNumber === null ? '' : `[#${ticketNumber}]`;
  const withToken = token && !base.includes(token) ? `${base} ${token}` : base;
  return `Re: ${withToken}`;
}

export function withTicketToken(subject: string, ticketNumber: number | null): string {
  const clean = cleanHeaderText(subject, 900);
  if (ticketNumber === null || clean.includes(`[#${ticketNumber}]`)) return clean;
  return `${clean} [#${ticketNumber}]`;
}

/** Stable per message: a retry after a lost "250 OK" resends the same Message-ID, so receivers can drop the copy. */
export function outboundMessageId(secret: string, address: string, kind: 'm' | 'o', id: number): string {
  const domain = address.split('@')[1] ?? 'kefu.invalid';
  return `kefu.${kind}${id}.${hmacHex(secret, `msgid:${kind}:${id}`).slice(0, 16)}@${domain}`;
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const textToHtml = (text: string): string =>
  `<div>${escapeHtml(text).replace(/\r?\n/g, '<br>\n')}</div>`;

export function withSignature(channel: EmailChannelConfig, text: string, html: string | null): { text: string; html: string } {
  const body = html ?? textToHtml(text);
  const signature = channel.signature?.replace(/\s+$/, '');
  if (!signature) return { text, html: body };
  // The RFC 3676 delimiter lets mail clients fold it; operators often write their own.
  const delimited = /^-- ?\r?\n/.test(signature) ? signature.replace(/^--( ?)\r?\n/, '-- \n') : `-- \n${signature}`;
  return {
    text: `${text}\n\n${delimited}`,
    html: `${body}\n<div class="kefu-signature" style="color:#666">${escapeHtml(delimited).replace(/\r?\n/g, '<br>')}</div>`,
  };
}

export function fromOf(channel: EmailChannelConfig): OutgoingMail['from'] {
  return { name: cleanHeaderText(channel.display_name ?? '', 200), address: channel.address };
}

export function replyToOf(secret: string, channel: EmailChannelConfig, ticketNumber: number | null): string | undefined {
  return channel.plus_addressing && ticketNumber !== null ? replyAddress(secret, channel.name, channel.address, ticketNumber) : undefined;
}

/** Message-IDs of a ticket's mails, oldest first, for References; the newest inbound one for In-Reply-To. */
export async function threadIds(db: DbOrTx, ticketId: number, exclude: string): Promise<{ inReplyTo?: string; references: string[] }> {
  const rows = await db
    .selectFrom('email_message_ids as e')
    .innerJoin('messages as m', 'm.id', 'e.kefu_message_id')
    .select(['e.message_id', 'e.direction'])
    .where('m.ticket_id', '=', ticketId)
    .where('e.message_id', '!=', exclude)
    .where('e.message_id', 'not like', '%@kefu.invalid')
    .orderBy('m.id')
    .execute();
  const inbound = rows.filter((r) => r.direction === 'in').at(-1)?.message_id;
  const ids = [...new Set(rows.map((r) => r.message_id))];
  // Long threads: keep the first (thread root) and the most recent ones, as RFC 5322 suggests.
  const references = ids.length > 20 ? [ids[0] as string, ...ids.slice(-19)] : ids;
  if (inbound && references.at(-1) !== inbound) references.push(inbound);
  return { ...(inbound ? { inReplyTo: inbound } : {}), references };
}

export async function attachmentsOf(db: DbOrTx, root: string, messageId: number): Promise<OutgoingMail['attachments']> {
  const rows = await db
    .selectFrom('message_attachments as ma')
    .innerJoin('attachments as a', 'a.id', 'ma.attachment_id')
    .select(['a.name', 'a.sha256', 'a.content_type', 'a.content_id', 'a.inline'])
    .where('ma.message_id', '=', messageId)
    .orderBy('a.id')
    .execute();
  return rows.map((r) => ({
    filename: r.name,
    path: attachmentPath(root, r.sha256),
    contentType: r.content_type,
    ...(r.inline && r.content_id ? { cid: r.content_id } : {}),
  }));
}
