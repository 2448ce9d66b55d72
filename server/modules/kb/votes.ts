import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { NotFound } from '../../http/errors.js';
import { findArticle } from './queries.js';

/** Stored instead of the cookie or address itself. */
export const voterKey = (secret: string, visitor: string): string => createHash('sha256').update(`${secret}:kb-vote:${visitor}`).digest('hex').slice(0, 32);

export interface VoteResult {
  helpful: number;
  notHelpful: number;
}

/**
 * One vote per visitor per article: voting again replaces the earlier vote, so the counters
 * move only by the difference. Published articles only.
 */
export async function voteOnArticle(ctx: AppContext, articleId: number, voter: string, helpful: boolean): Promise<VoteResult> {
  return ctx.database.transaction(async (tx) => {
    const article = await findArticle(tx, articleId);
    if (!article || article.status !== 'published') throw new NotFound('article');
    const previous = await tx.selectFrom('kb_votes').select('helpful').where('article_id', '=', articleId).where('voter', '=', voter).executeTakeFirst();
    const value = helpful ? 1 : 0;
    if (previous?.helpful !== value) {
      await tx
        .insertInto('kb_votes')
        .values({ article_id: articleId, voter, helpful: value, created_at: Date.now() })
        .onConflict((oc) => oc.columns(['article_id', 'voter']).doUpdateSet({ helpful: value }))
        .execute();
      const up = (column: 'helpful' | 'not_helpful', by: number) => sql<number>`${sql.ref(column)} + ${by}`;
      await tx
        .updateTable('kb_articles')
        .set({
          helpful: up('helpful', (helpful ? 1 : 0) - (previous?.helpful === 1 ? 1 : 0)),
          not_helpful: up('not_helpful', (helpful ? 0 : 1) - (previous?.helpful === 0 ? 1 : 0)),
        })
        .where('id', '=', articleId)
        .execute();
    }
    const row = await tx.selectFrom('kb_articles').select(['helpful', 'not_helpful']).where('id', '=', articleId).executeTakeFirstOrThrow();
    return { helpful: row.helpful, notHelpful: row.not_helpful };
  });
}

/** A page view of a published article; no transaction, a lost count now and then is fine. */
export async function countView(ctx: AppContext, articleId: number): Promise<void> {
  await ctx.db.updateTable('kb_articles').set({ views: sql<number>`views + 1` }).where('id', '=', articleId).execute();
}
