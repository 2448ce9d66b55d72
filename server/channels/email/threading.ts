import type { DbOrTx } from '../../db/database.js';
import type { ParsedEmail } from './parse.js';
import { findSentMailTickets } from './outbound-queries.js';
import { findKnownMessageIds, survivingTicketId, ticketContactHasEmail, ticketIdByNumber } from './queries.js';
import { ticketNumberFromAddress } from './reply-address.js';

export type ThreadVia = 'in-reply-to' | 'references' | 'subject-token' | 'reply-address';

export interface ThreadMatch {
  ticketId: number;
  via: ThreadVia;
}

export interface ThreadContext {
  secret: string;
  channel: string;
  mailbox: string;
}

const SUBJECT_TOKEN = /\[#(\d{1,12})\]/g;

/** Ticket numbers in `[#1042]` tokens, last first: a forwarded chain keeps the newest at the end. */
export function subjectTokens(subject: string): number[] {
  return [...subject.matchAll(SUBJECT_TOKEN)].map((m) => Number(m[1])).reverse();
}

async function byMessageIds(db: DbOrTx, mail: ParsedEmail): Promise<ThreadMatch | null> {
  // In-Reply-To names the message answered; References lists the thread oldest first.
  const ordered = [
    ...mail.inReplyTo.map((id) => ({ id, via: 'in-reply-to' as const })),
    ...[...mail.references].reverse().map((id) => ({ id, via: 'references' as const })),
  ];
  const ids = [...new Set(ordered.map((o) => o.id))];
  // Timeline messages, and Kefu's own mails (acknowledgements, notifications) that are not on the timeline.
  const known = [...(await findKnownMessageIds(db, ids)), ...(await findSentMailTickets(db, ids))];
  for (const { id, via } of ordered) {
    const hit = known.find((k) => k.messageId === id);
    const ticketId = hit ? await survivingTicketId(db, hit.ticketId) : null;
    if (ticketId !== null) return { ticketId, via };
  }
  return null;
}

async function bySubjectToken(db: DbOrTx, mail: ParsedEmail): Promise<ThreadMatch | null> {
  if (!mail.from) return null;
  for (const number of subjectTokens(mail.subject)) {
    const found = await ticketIdByNumber(db, number);
    const ticketId = found === null ? null : await survivingTicketId(db, found);
    // Anyone can type [#1042]; only the ticket's own contact joins it this way.
    if (ticketId !== null && (await ticketContactHasEmail(db, ticketId, mail.from.address))) {
      return { ticketId, via: 'subject-token' };
    }
  }
  return null;
}

async function byReplyAddress(db: DbOrTx, mail: ParsedEmail, ctx: ThreadContext): Promise<ThreadMatch | null> {
  for (const recipient of mail.recipients) {
    const number = ticketNumberFromAddress(ctx.secret, ctx.channel, ctx.mailbox, recipient);
    const found = number === null ? null : await ticketIdByNumber(db, number);
    const ticketId = found === null ? null : await survivingTicketId(db, found);
    if (ticketId !== null) return { ticketId, via: 'reply-address' };
  }
  return null;
}

/**
 * Which ticket an incoming email continues, in order of trust: the Message-IDs it answers,
 * a `[#1042]` subject token from the ticket's contact, a signed per-ticket reply address.
 * Null means a new ticket.
 */
export async function findThread(db: DbOrTx, mail: ParsedEmail, ctx: ThreadContext): Promise<ThreadMatch | null> {
  return (await byMessageIds(db, mail)) ?? (await bySubjectToken(db, mail)) ?? (await byReplyAddress(db, mail, ctx));
}
