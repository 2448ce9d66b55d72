// The knowledge base API as the agent app uses it (server: server/modules/kb/routes.ts).
import type { ApiClient } from '../../shared/api.js';
import type { Language } from '../../shared/types.js';

export type KbStatus = 'draft' | 'published' | 'archived';
export const KB_STATUSES: KbStatus[] = ['draft', 'published', 'archived'];

export interface KbArticleSummary {
  id: number;
  slug: string;
  locale: Language;
  title: string;
  status: KbStatus;
  categoryId: number | null;
  translationGroup: number;
  views: number;
  helpful: number;
  notHelpful: number;
  botUsed: number;
  botResolved: number;
  updatedAt: number;
  publishedAt: number | null;
  url: string | null;
}

export interface KbArticle extends KbArticleSummary {
  body: string;
  html: string;
  text: string;
  questions: string[];
  translations: Array<{ id: number; locale: Language; slug: string; title: string; status: KbStatus }>;
  createdAt: number;
}

export interface KbCategory {
  id: number;
  parentId: number | null;
  slug: string;
  name: string;
  names: Partial<Record<Language, string>>;
  position: number;
  articleCount: number;
}

export interface KbRevision {
  id: number;
  articleId: number;
  title: string;
  body: string;
  questions: string[];
  agent: { id: number; name: string } | null;
  createdAt: number;
}

export interface KbArticleInput {
  title: string;
  body: string;
  status: KbStatus;
  categoryId: number | null;
  questions: string[];
}

export interface KbSearchHit extends KbArticleSummary {
  snippet: string;
  score: number;
}

export interface ReplySuggestions {
  basedOn: string | null;
  articles: KbSearchHit[];
  cannedReplies: Array<{ id: number; shortcut: string; title: string; body: string; score: number }>;
}

export interface KbFilters {
  locale?: string | undefined;
  status?: string | undefined;
  categoryId?: number | undefined;
  q?: string | undefined;
}

export const kb = {
  categories: async (api: ApiClient) => (await api.get<{ items: KbCategory[] }>('/kb/categories')).items,
  createCategory: async (api: ApiClient, name: string) => (await api.post<{ category: KbCategory }>('/kb/categories', { name })).category,
  list: async (api: ApiClient, f: KbFilters) =>
    (await api.get<{ items: KbArticleSummary[] }>('/kb/articles', { locale: f.locale, status: f.status, categoryId: f.categoryId, q: f.q })).items,
  get: async (api: ApiClient, id: number) => (await api.get<{ article: KbArticle }>(`/kb/articles/${id}`)).article,
  create: async (api: ApiClient, body: KbArticleInput & { locale: string; translationOf?: number | undefined }) =>
    (await api.post<{ article: KbArticle }>('/kb/articles', body)).article,
  update: async (api: ApiClient, id: number, body: KbArticleInput) => (await api.patch<{ article: KbArticle }>(`/kb/articles/${id}`, body)).article,
  suggestions: (api: ApiClient, ticketId: number, signal?: AbortSignal) => api.get<ReplySuggestions>('/kb/suggestions', { ticketId, limit: 3 }, signal),
  preview: async (api: ApiClient, body: string) => (await api.post<{ html: string }>('/kb/preview', { body })).html,
  revisions: async (api: ApiClient, id: number) => (await api.get<{ items: KbRevision[] }>(`/kb/articles/${id}/revisions`)).items,
  restore: async (api: ApiClient, id: number, revisionId: number) =>
    (await api.post<{ article: KbArticle }>(`/kb/articles/${id}/revisions/${revisionId}/restore`)).article,
};

/** The markdown that shows an uploaded image on the help center. */
export const imageMarkdown = (a: { id: number; name: string }): string =>
  `![${a.name.replace(/\.[^.]+$/, '').replace(/[[\]]/g, '')}](/help/files/${a.id}/${encodeURIComponent(a.name)})`;
