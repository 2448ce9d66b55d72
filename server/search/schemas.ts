import { Type, type Static } from '@sinclair/typebox';
import { ContactSchema } from '../modules/contacts/schemas.js';
import { TicketSchema } from '../modules/tickets/schemas.js';

/** HTML-escaped text with hits wrapped in <mark>…</mark>. */
const Snippet = Type.String();

export const SearchQuerySchema = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 500 }),
    limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
    status: Type.Optional(
      Type.String({ description: 'Comma-separated ticket statuses (open, pending, snoozed, resolved, closed) or "all" (the default)', maxLength: 100 }),
    ),
    assigneeId: Type.Optional(Type.String({ description: 'An agent id, "me" or "none" (unassigned)', pattern: '^(me|none|[0-9]{1,15})$' })),
    teamId: Type.Optional(Type.Integer({ minimum: 1 })),
    channel: Type.Optional(Type.String({ description: 'A channel kind (email, widget, wechat...) or a channel name', maxLength: 100 })),
    from: Type.Optional(Type.String({ description: 'Tickets with activity at or after this time (ISO 8601)', maxLength: 40 })),
    to: Type.Optional(Type.String({ description: 'Tickets with activity at or before this time (ISO 8601)', maxLength: 40 })),
    cursor: Type.Optional(Type.String({ description: 'nextCursor of the previous page', maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const SearchHitSchema = Type.Object({
  ticket: TicketSchema,
  /** From the ticket's best matching message, or its subject when only that matched. */
  snippet: Snippet,
  matchingMessages: Type.Integer({ description: 'How many of the ticket’s messages match' }),
  messageId: Type.Union([Type.Integer(), Type.Null()], { description: 'The best matching message, null when only the subject or number matched' }),
  subjectMatched: Type.Boolean(),
});

export const SearchResultSchema = Type.Object({
  /** One per ticket, best first: a blend of match, status, assignment to the searcher and recency. */
  hits: Type.Array(SearchHitSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor for more hits; null at the end' }),
  /** The hits matched by subject or number (kept for older clients). */
  tickets: Type.Array(Type.Object({ ticket: TicketSchema, snippet: Snippet })),
  /** The best matching message of each hit (kept for older clients). */
  messages: Type.Array(
    Type.Object({
      ticketId: Type.Integer(),
      ticketNumber: Type.Integer(),
      ticketSubject: Type.String(),
      messageId: Type.Integer(),
      createdAt: Type.String(),
      snippet: Snippet,
    }),
  ),
  /** First page only. */
  contacts: Type.Array(Type.Object({ contact: ContactSchema, snippet: Snippet })),
});
export type SearchResult = Static<typeof SearchResultSchema>;
