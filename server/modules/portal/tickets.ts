import type { AppContext } from '../../context.js';
import { hmacHex, randomToken, safeEqual } from '../../crypto.js';
import type { DbOrTx } from '../../db/database.js';
import { intake } from '../../intake/intake.js';
import type { InboundAttachment, InboundMessage, IntakeResult } from '../../intake/types.js';
import { firstOutboundChannel } from '../tickets/reply-channel.js';

export interface PortalTicket {
  id: number;
  number: number;
  subject: string;
  status: string;
  channelKind: string;
  updatedAt: number;
}

export interface PortalFile {
  id: number;
  name: string;
  size: number;
}

export interface PortalMessage {
  id: number;
  fromCustomer: boolean;
  authorName: string;
  text: string;
  createdAt: number;
  files: PortalFile[];
}

/** What a customer sees of their own timeline: what they wrote and what was sent to them. Notes and system lines never. */
const PUBLIC_KINDS = ['inbound', 'outbound', 'bot'] as const;

export async function contactTickets(db: DbOrTx, contactId: number): Promise<PortalTicket[]> {
  const rows = await db
    .selectFrom('tickets')
    .select(['id', 'number', 'subject', 'status', 'channel_kind', 'updated_at', 'last_message_at'])
    .where('contact_id', '=', contactId)
    .where('merged_into_id', 'is', null)
    .orderBy('updated_at', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => ({ id: r.id, number: r.number, subject: r.subject, status: r.status, channelKind: r.channel_kind, updatedAt: r.last_message_at ?? r.updated_at }));
}

/** The contact's own ticket by its number; another contact's is as absent as one that never was. */
export async function contactTicket(db: DbOrTx, contactId: number, number: number): Promise<PortalTicket | null> {
  const list = await db
    .selectFrom('tickets')
    .select(['id', 'number', 'subject', 'status', 'channel_kind', 'updated_at', 'last_message_at'])
    .where('number', '=', number)
    .where('contact_id', '=', contactId)
    .where('merged_into_id', 'is', null)
    .execute();
  const r = list[0];
  return r ? { id: r.id, number: r.number, subject: r.subject, status: r.status, channelKind: r.channel_kind, updatedAt: r.last_message_at ?? r.updated_at } : null;
}

export async function publicMessages(db: DbOrTx, ticketId: number): Promise<PortalMessage[]> {
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'kind', 'author_name', 'text', 'created_at'])
    .where('ticket_id', '=', ticketId)
    .where('kind', 'in', PUBLIC_KINDS)
    .orderBy('id')
    .execute();
  const files = rows.length === 0 ? [] : await db
    .selectFrom('message_attachments as ma')
    .innerJoin('attachments as a', 'a.id', 'ma.attachment_id')
    .select(['ma.message_id', 'a.id', 'a.name', 'a.size', 'a.inline'])
    .where('ma.message_id', 'in', rows.map((r) => r.id))
    .execute();
  return rows.map((r) => ({
    id: r.id,
    fromCustomer: r.kind === 'inbound',
    authorName: r.author_name,
    text: r.text,
    createdAt: r.created_at,
    files: files.filter((f) => f.message_id === r.id).map((f) => ({ id: f.id, name: f.name, size: f.size })),
  }));
}

/** A download link's signature: good for this contact and this file only. */
export const fileSignature = (secret: string, contactId: number, attachmentId: number): string =>
  hmacHex(secret, `portal-file:${contactId}:${attachmentId}`).slice(0, 32);

export const portalFilePath = (secret: string, contactId: number, file: PortalFile): string =>
  `/help/tickets/files/${file.id}/${fileSignature(secret, contactId, file.id)}/${encodeURIComponent(file.name)}`;

/** Whether the file hangs on a public message of one of this contact's tickets, and the link was signed for them. */
export async function contactMayDownload(ctx: AppContext, contactId: number, attachmentId: number, signature: string): Promise<boolean> {
  if (!safeEqual(signature, fileSignature(ctx.secret, contactId, attachmentId))) return false;
  const row = await ctx.db
    .selectFrom('message_attachments as ma')
    .innerJoin('messages as m', 'm.id', 'ma.message_id')
    .innerJoin('tickets as t', 't.id', 'm.ticket_id')
    .select('m.id')
    .where('ma.attachment_id', '=', attachmentId)
    .where('t.contact_id', '=', contactId)
    .where('m.kind', 'in', PUBLIC_KINDS)
    .executeTakeFirst();
  return row !== undefined;
}

/** The mailbox portal messages are filed under: agents' replies go out from it by email. */
export const portalChannel = (ctx: AppContext): { kind: 'email'; name: string } | null => {
  const box = firstOutboundChannel(ctx.config);
  return box ? { kind: 'email', name: box.name } : null;
};

export interface PortalPost {
  text: string;
  subject?: string | undefined;
  attachments: InboundAttachment[];
  /** The form's one-time nonce: a double submit stores one message. */
  nonce: string;
}

async function verifiedEmail(db: DbOrTx, contactId: number): Promise<{ email: string; name: string | null } | null> {
  const identity = await db.selectFrom('contact_identities').select('value').where('contact_id', '=', contactId).where('kind', '=', 'email').orderBy('id').executeTakeFirst();
  const contact = await db.selectFrom('contacts').select(['name', 'email', 'email_verified']).where('id', '=', contactId).executeTakeFirst();
  if (!contact) return null;
  const email = contact.email_verified === 1 && contact.email ? contact.email : identity?.value;
  return email ? { email, name: contact.name } : null;
}

/**
 * A signed-in contact writes: into one of their tickets (`ticketId`) or a new one. It goes through
 * intake as a message from their verified address, exactly like an email from them would.
 */
export async function postAsContact(ctx: AppContext, contactId: number, ticketId: number | null, post: PortalPost): Promise<IntakeResult | null> {
  const channel = portalChannel(ctx);
  const who = await verifiedEmail(ctx.db, contactId);
  if (!channel || !who) return null;
  const msg: InboundMessage = {
    channel,
    sender: { identity: { kind: 'email', value: who.email }, email: who.email, ...(who.name ? { name: who.name } : {}) },
    thread: ticketId === null ? undefined : { ticketId },
    subject: post.subject,
    text: post.text,
    attachments: post.attachments,
    idempotencyKey: `portal:${contactId}:${post.nonce}`,
    meta: { portal: true },
  };
  return intake(ctx, msg);
}

/**
 * A signed-out visitor files a ticket: the address they typed is only a claim, kept on a contact of
 * its own and never used to find anyone, until the sign-in link mailed to it is followed.
 */
export async function postAsVisitor(ctx: AppContext, visitor: { name: string; email: string }, post: PortalPost): Promise<IntakeResult | null> {
  const channel = portalChannel(ctx);
  if (!channel) return null;
  return intake(ctx, {
    channel,
    sender: { identity: { kind: 'external', value: `portal:${randomToken(12)}` }, name: visitor.name, claims: { email: visitor.email } },
    subject: post.subject,
    text: post.text,
    attachments: post.attachments,
    idempotencyKey: `portal:visitor:${post.nonce}`,
    meta: { portal: true },
  });
}
