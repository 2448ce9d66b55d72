import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/database.js';
import { NotFound } from '../../http/errors.js';
import type { Viewer } from '../tickets/policy.js';
import { findArticle, parseQuestions } from './queries.js';
import type { ArticleView, RevisionView } from './schemas.js';
import { updateArticle } from './service.js';

/** Newest first: who saved which title, body and questions, and when. */
export async function listRevisions(db: DbOrTx, articleId: number): Promise<RevisionView[]> {
  if (!(await findArticle(db, articleId))) throw new NotFound('article');
  const rows = await db
    .selectFrom('kb_revisions')
    .leftJoin('agents', 'agents.id', 'kb_revisions.agent_id')
    .select(['kb_revisions.id', 'kb_revisions.article_id', 'kb_revisions.title', 'kb_revisions.body_md', 'kb_revisions.questions', 'kb_revisions.created_at', 'agents.id as agent_id', 'agents.name as agent_name'])
    .where('kb_revisions.article_id', '=', articleId)
    .orderBy('kb_revisions.id', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    articleId: r.article_id,
    title: r.title,
    body: r.body_md,
    questions: parseQuestions(r.questions),
    agent: r.agent_id !== null && r.agent_name !== null ? { id: r.agent_id, name: r.agent_name } : null,
    createdAt: r.created_at,
  }));
}

/** Puts an old revision's text back; that is itself a new revision, so restoring can be undone. */
export async function restoreRevision(ctx: AppContext, viewer: Viewer, articleId: number, revisionId: number): Promise<ArticleView> {
  const revision = await ctx.db
    .selectFrom('kb_revisions')
    .selectAll()
    .where('id', '=', revisionId)
    .where('article_id', '=', articleId)
    .executeTakeFirst();
  if (!revision) throw new NotFound('revision');
  return updateArticle(ctx, viewer, articleId, { title: revision.title, body: revision.body_md, questions: parseQuestions(revision.questions) });
}
