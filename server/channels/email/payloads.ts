/**
 * What the email sender finds in an outbox row's payload. Agent replies carry the message id on
 * the row itself (payload may add cc/bcc); `plain` mails are composed by Kefu (acknowledgements,
 * transcripts, notifications) and are not timeline messages.
 */
export interface ReplyPayload {
  type?: 'reply' | undefined;
  cc?: string[] | undefined;
  bcc?: string[] | undefined;
}

export interface PlainEmailPayload {
  type: 'plain';
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  /** Threads the mail into this ticket's conversation (token in the subject, References). */
  ticketId?: number | null | undefined;
  inReplyTo?: string | null | undefined;
  /**
   * The ticket a reply to this mail belongs to, when `ticketId` is not set because the mail must
   * not look like part of the customer's conversation (an agent notification).
   */
  aboutTicketId?: number | null | undefined;
  /** RFC 3834: true marks an acknowledgement `auto-replied`; 'auto-generated' a notification. */
  autoSubmitted?: boolean | 'auto-generated' | undefined;
}

export function isPlainPayload(p: Record<string, unknown>): p is Record<string, unknown> & PlainEmailPayload {
  return p.type === 'plain' && typeof p.to === 'string' && typeof p.subject === 'string' && typeof p.text === 'string';
}

/** Bare addresses only: a line break or a second address smuggled into a CC entry is dropped. */
export function stringList(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter((x): x is string => typeof x === 'string')
    .map((x) => x.trim())
    .filter((x) => /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/.test(x));
}
