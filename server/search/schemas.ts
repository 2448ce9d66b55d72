import { Type, type Static } from '@sinclair/typebox';
import { ContactSchema } from '../modules/contacts/schemas.js';
import { TicketSchema } from '../modules/tickets/schemas.js';

/** HTML-escaped text with hits wrapped in <mark>…</mark>. */
const Snippet = Type.String();

export const SearchQuerySchema = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 500 }),
    limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
  },
  { additionalProperties: false },
);

export const SearchResultSchema = Type.Object({
  tickets: Type.Array(Type.Object({ ticket: TicketSchema, snippet: Snippet })),
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
  contacts: Type.Array(Type.Object({ contact: ContactSchema, snippet: Snippet })),
});
export type SearchResult = Static<typeof SearchResultSchema>;
