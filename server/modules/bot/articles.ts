import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { markdownToText } from '../kb/markdown.js';
import { searchArticles } from '../kb/search.js';
import type { KbLocale } from '../kb/tables.js';
import type { Candidate } from './match.js';

export interface BotArticle extends Candidate {
  slug: string;
  locale: KbLocale;
  bodyMd: string;
}

/** bm25's best few are enough: the bot shows at most three. */
const CANDIDATES = 6;

const questionsOf = (json: string): string[] => {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((q): q is string => typeof q === 'string') : [];
  } catch {
    return [];
  }
};

/**
 * Published articles that share words with the message, in the visitor's language, any language
 * when none does; in full-text rank order.
 */
export async function candidateArticles(ctx: AppContext, text: string, locale: KbLocale): Promise<BotArticle[]> {
  let hits = await searchArticles(ctx, text, locale, CANDIDATES, { mode: 'any' });
  if (hits.length === 0) hits = await searchArticles(ctx, text, null, CANDIDATES, { mode: 'any' });
  if (hits.length === 0) return [];
  const rows = await ctx.db
    .selectFrom('kb_articles')
    .select(['id', 'title', 'questions', 'body_text', 'body_md', 'slug', 'locale'])
    .where('id', 'in', hits.map((h) => h.id))
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return hits.flatMap((h) => {
    const r = byId.get(h.id);
    return r ? [{ id: r.id, title: r.title, questions: questionsOf(r.questions), body: r.body_text, bodyMd: r.body_md, slug: r.slug, locale: r.locale }] : [];
  });
}

/** The article's first paragraph as plain text (headings and images skipped), cut to a chat-sized length. */
export function firstParagraph(bodyMd: string, max = 400): string {
  const blocks = bodyMd.split(/\n\s*\n/).map((b) => b.trim());
  const first = blocks.find((b) => b !== '' && !b.startsWith('#') && !b.startsWith('![')) ?? '';
  const text = markdownToText(first).replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Slugs are letters, digits and hyphens (kb/slug.ts): kept as typed, so a Chinese link reads as Chinese. */
export const articleUrl = (publicUrl: string, a: { locale: string; slug: string }): string => `${publicUrl}/help/${a.locale}/articles/${a.slug}`;

export async function countBotUse(ctx: AppContext, column: 'bot_used' | 'bot_resolved', ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await ctx.db
    .updateTable('kb_articles')
    .set({ [column]: sql<number>`${sql.ref(column)} + 1` })
    .where('id', 'in', [...ids])
    .execute();
}
