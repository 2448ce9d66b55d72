import type { ArticleView } from '../../../server/modules/kb/schemas.js';
import type { Session, TestApp } from '../../helpers/app.js';
import { as } from '../tickets/fixtures.js';

export interface NewArticle {
  title: string;
  body: string;
  locale: 'en' | 'zh-CN' | 'zh-TW';
  status?: 'draft' | 'published' | 'archived';
  questions?: string[];
  categoryId?: number;
  translationOf?: number;
  slug?: string;
}

/** Creates an article through the API and returns it; throws on anything but 201. */
export async function makeArticle(t: TestApp, input: NewArticle, session: Session = t.admin): Promise<ArticleView> {
  const res = await as(t, session).post<{ article: ArticleView }>('/kb/articles', input);
  if (res.status !== 201) throw new Error(`article: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.article;
}
