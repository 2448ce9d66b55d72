import type { AppContext } from '../../context.js';
import { parseQuery, bigrams } from '../../search/tokenize.js';
import { listCannedReplies, type CannedReplyView } from '../canned-replies/service.js';
import { visibleTicket, type Viewer } from '../tickets/policy.js';
import { searchArticles } from './search.js';
import type { SearchHit } from './schemas.js';
import { KB_LOCALES, type KbLocale } from './tables.js';

export interface Suggestions {
  /** The customer message the suggestions answer; null when the ticket has none. */
  basedOn: string | null;
  articles: SearchHit[];
  cannedReplies: Array<CannedReplyView & { score: number }>;
}

/** The search units of a text: lower-cased words and CJK bigrams. */
function units(text: string): Set<string> {
  const out = new Set<string>();
  for (const term of parseQuery(text.slice(0, 2000))) {
    if (term.kind === 'word') out.add(term.text.toLowerCase());
    else for (const pair of bigrams(term.text)) out.add(pair);
  }
  return out;
}

/**
 * Canned replies ranked by how many of the message's words and bigrams their title (twice) and
 * body share. There are tens of them, not thousands, so no index is needed.
 */
function rankCanned(items: CannedReplyView[], message: string, limit: number): Array<CannedReplyView & { score: number }> {
  const wanted = units(message);
  if (wanted.size === 0) return [];
  return items
    .map((c) => {
      const title = units(c.title);
      const body = units(c.body);
      let score = 0;
      for (const u of wanted) score += (title.has(u) ? 2 : 0) + (body.has(u) ? 1 : 0);
      return { ...c, score };
    })
    .filter((c) => c.score > 0)
    .sort((a, b) => b.score - a.score || a.id - b.id)
    .slice(0, limit);
}

/** zh-TW for Traditional tags, zh-CN for other Chinese, en otherwise; null when the contact has none. */
export function localeOf(language: string | null): KbLocale | null {
  if (!language) return null;
  const tag = language.toLowerCase();
  if (/^zh-(tw|hk|mo|hant)/.test(tag)) return 'zh-TW';
  if (tag.startsWith('zh')) return 'zh-CN';
  return KB_LOCALES.includes(language as KbLocale) ? (language as KbLocale) : tag.startsWith('en') ? 'en' : null;
}

/**
 * Articles and canned replies for the agent's composer, ranked against the customer's last
 * message on the ticket (any word or bigram may match). Articles in the contact's language when
 * it is known, any language otherwise.
 */
export async function suggestForTicket(ctx: AppContext, viewer: Viewer, ticketId: number, limit = 5): Promise<Suggestions> {
  const ticket = await visibleTicket(ctx, viewer, ticketId);
  const last = await ctx.db
    .selectFrom('messages')
    .select('text')
    .where('ticket_id', '=', ticket.id)
    .where('kind', '=', 'inbound')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const message = last?.text ?? ticket.subject;
  if (!message.trim()) return { basedOn: null, articles: [], cannedReplies: [] };
  const contact = await ctx.db.selectFrom('contacts').select('language').where('id', '=', ticket.contact_id).executeTakeFirst();
  const locale = localeOf(contact?.language ?? null);
  let articles = await searchArticles(ctx, message, locale, limit, { mode: 'any' });
  if (articles.length === 0 && locale !== null) articles = await searchArticles(ctx, message, null, limit, { mode: 'any' });
  return { basedOn: message.slice(0, 500), articles, cannedReplies: rankCanned(await listCannedReplies(ctx.db), message, limit) };
}
