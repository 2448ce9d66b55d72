import type { AppContext } from '../../context.js';
import { searchArticles } from '../kb/search.js';
import { localeOf } from '../kb/suggestions.js';
import { visibleTicket, type Viewer } from '../tickets/policy.js';
import type { TicketRow } from '../tickets/queries.js';
import type { AiConfig, ChatMessage } from './client.js';
import { draftPrompt, summaryPrompt, type PromptArticle, type PromptMessage, type PromptTicket } from './prompt.js';

type Kind = Exclude<PromptMessage['kind'], 'omitted'>;
const PUBLIC: Kind[] = ['inbound', 'outbound', 'bot'];
/** An article scoring under this share of the best match is left out of the prompt. */
const RELATIVE_CUTOFF = 0.5;

/** The ticket's newest messages of these kinds, oldest first. */
async function recentMessages(ctx: AppContext, ticketId: number, kinds: Kind[], limit: number): Promise<PromptMessage[]> {
  const rows = await ctx.db
    .selectFrom('messages')
    .select(['kind', 'author_name', 'text'])
    .where('ticket_id', '=', ticketId)
    .where('kind', 'in', kinds)
    .where('text', '!=', '')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse().map((r) => ({ kind: r.kind as Kind, author: r.author_name, text: r.text }));
}

/**
 * For a summary of a long ticket: the opening message, which says what it is about, and the newest
 * ones, with how many were left out between them.
 */
async function openingAndRecent(ctx: AppContext, ticketId: number, kinds: Kind[], limit: number): Promise<PromptMessage[]> {
  const recent = await recentMessages(ctx, ticketId, kinds, limit);
  const counted = await ctx.db
    .selectFrom('messages')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('id').as('first')])
    .where('ticket_id', '=', ticketId)
    .where('kind', 'in', kinds)
    .where('text', '!=', '')
    .executeTakeFirstOrThrow();
  const skipped = Number(counted.n) - recent.length;
  if (skipped <= 0 || counted.first === null) return recent;
  const first = await ctx.db.selectFrom('messages').select(['kind', 'author_name', 'text']).where('id', '=', counted.first).executeTakeFirstOrThrow();
  const opening: PromptMessage = { kind: first.kind as Kind, author: first.author_name, text: first.text };
  if (skipped === 1) return [opening, ...recent];
  const gap: PromptMessage = { kind: 'omitted', author: '', text: `${skipped - 1} earlier messages left out` };
  return [opening, gap, ...recent];
}

async function promptTicket(ctx: AppContext, ticket: TicketRow): Promise<PromptTicket> {
  const contact = await ctx.db.selectFrom('contacts').select(['name', 'language']).where('id', '=', ticket.contact_id).executeTakeFirst();
  return { subject: ticket.subject, contactName: contact?.name ?? '', language: contact?.language ?? null };
}

/** Published articles matching the customer's last message, in their language first, with full text. */
async function groundingArticles(ctx: AppContext, ticket: PromptTicket, messages: PromptMessage[], subject: string, limit: number): Promise<PromptArticle[]> {
  if (limit === 0) return [];
  const query = [...messages].reverse().find((m) => m.kind === 'inbound')?.text ?? subject;
  if (!query.trim()) return [];
  const locale = localeOf(ticket.language);
  let hits = await searchArticles(ctx, query, locale, limit, { mode: 'any' });
  if (hits.length === 0 && locale !== null) hits = await searchArticles(ctx, query, null, limit, { mode: 'any' });
  // Any shared bigram matches in this mode; an article far behind the best one only misleads the model.
  const best = hits[0]?.score ?? 0;
  hits = hits.filter((h) => h.score >= best * RELATIVE_CUTOFF);
  if (hits.length === 0) return [];
  const rows = await ctx.db.selectFrom('kb_articles').select(['id', 'title', 'body_text']).where('id', 'in', hits.map((h) => h.id)).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return hits.flatMap((h) => {
    const row = byId.get(h.id);
    return row ? [{ title: row.title, text: row.body_text }] : [];
  });
}

function businessName(ctx: AppContext, ai: AiConfig): string | null {
  return ai.business_name ?? ctx.config.help_center.title ?? null;
}

/** The messages to send for a reply draft; 404 (NotFound) when the viewer may not see the ticket. */
export async function draftRequest(ctx: AppContext, ai: AiConfig, viewer: Viewer, ticketId: number): Promise<ChatMessage[]> {
  const ticket = await visibleTicket(ctx, viewer, ticketId);
  const about = await promptTicket(ctx, ticket);
  const messages = await recentMessages(ctx, ticket.id, PUBLIC, ai.max_messages);
  const articles = await groundingArticles(ctx, about, messages, ticket.subject, ai.max_articles);
  return draftPrompt({ business: businessName(ctx, ai), ticket: about, articles, messages });
}

/** The messages to send for a summary, notes included, in the viewing agent's language. */
export async function summaryRequest(ctx: AppContext, ai: AiConfig, viewer: Viewer, ticketId: number): Promise<ChatMessage[]> {
  const ticket = await visibleTicket(ctx, viewer, ticketId);
  const about = await promptTicket(ctx, ticket);
  const messages = await openingAndRecent(ctx, ticket.id, [...PUBLIC, 'note'], ai.max_messages);
  const agent = await ctx.db.selectFrom('agents').select('language').where('id', '=', viewer.id).executeTakeFirst();
  return summaryPrompt({ business: businessName(ctx, ai), ticket: about, messages, agentLanguage: agent?.language ?? 'en' });
}
