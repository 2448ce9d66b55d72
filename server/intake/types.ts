/**
 * The one shape every channel hands to intake, whatever it received.
 * Channels parse and normalise; intake decides contact, ticket and message in one transaction.
 */
export type ChannelKind = 'email' | 'widget' | 'api' | 'telegram' | 'twilio' | 'whatsapp' | 'wechat';

/** email address, phone number, widget visitor id, telegram chat id, wechat openid ... */
export type IdentityKind = 'email' | 'phone' | 'widget' | 'telegram' | 'whatsapp' | 'wechat' | 'external';

export interface Identity {
  kind: IdentityKind;
  value: string;
}

export interface InboundAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  /** Already in the attachment store (a large part streamed there while it was read); `content` is then empty. */
  stored?: { sha256: string; size: number } | undefined;
  /** Content-ID of an inline email image, so `cid:` links can be rewritten. */
  contentId?: string | undefined;
  inline?: boolean | undefined;
}

export interface InboundMessage {
  channel: { kind: ChannelKind; name: string };
  sender: {
    identity: Identity;
    name?: string | undefined;
    email?: string | undefined;
    phone?: string | undefined;
    language?: string | undefined;
    /** More identities the channel knows belong to this person (a verified widget user's email). */
    alsoKnownAs?: Identity[] | undefined;
    /**
     * Details the sender typed and nobody checked (a widget pre-chat form): kept on the sender's own
     * contact, the email marked unverified, but never used to find or join a contact.
     */
    claims?: { email?: string | undefined; phone?: string | undefined } | undefined;
  };
  /**
   * How to find the ticket this belongs to. `ticketId` when the channel resolved the thread itself
   * (email In-Reply-To/References, a [#1042] token); `key` for a channel-native conversation id
   * (widget conversation). Neither: a new ticket.
   */
  thread?: { ticketId?: number | undefined; key?: string | undefined } | undefined;
  subject?: string | undefined;
  text: string;
  /** Already sanitised by the channel (email HTML), or absent. */
  html?: string | null | undefined;
  attachments?: InboundAttachment[] | undefined;
  /** Unique per channel: Message-ID, provider message id, widget client message id. */
  idempotencyKey: string;
  receivedAt?: number | undefined;
  /** Channel-specific facts kept with the message as JSON (email headers, CC list, auto-reply flag). */
  meta?: Record<string, unknown> | undefined;
}

export interface IntakeResult {
  ticketId: number;
  ticketNumber: number;
  messageId: number;
  contactId: number;
  /** false when the idempotency key was seen before: nothing changed. */
  created: boolean;
  ticketCreated: boolean;
  reopened: boolean;
}
