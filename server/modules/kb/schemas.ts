import { Type, type Static } from '@sinclair/typebox';
import { KB_LOCALES, KB_STATUSES } from './tables.js';

export const LocaleSchema = Type.Union(KB_LOCALES.map((l) => Type.Literal(l)));
export const StatusSchema = Type.Union(KB_STATUSES.map((s) => Type.Literal(s)));

export const CategorySchema = Type.Object({
  id: Type.Integer(),
  parentId: Type.Union([Type.Integer(), Type.Null()]),
  slug: Type.String(),
  name: Type.String(),
  names: Type.Record(Type.String(), Type.String(), { description: 'The name by locale, where it differs from `name`' }),
  position: Type.Integer(),
  articleCount: Type.Integer({ description: 'Published articles in every locale' }),
});
export type CategoryView = Static<typeof CategorySchema>;

export const TranslationSchema = Type.Object({
  id: Type.Integer(),
  locale: LocaleSchema,
  slug: Type.String(),
  title: Type.String(),
  status: StatusSchema,
});

export const ArticleSummarySchema = Type.Object({
  id: Type.Integer(),
  slug: Type.String(),
  locale: LocaleSchema,
  title: Type.String(),
  status: StatusSchema,
  categoryId: Type.Union([Type.Integer(), Type.Null()]),
  translationGroup: Type.Integer(),
  views: Type.Integer(),
  helpful: Type.Integer(),
  notHelpful: Type.Integer(),
  botUsed: Type.Integer(),
  botResolved: Type.Integer(),
  updatedAt: Type.Integer(),
  publishedAt: Type.Union([Type.Integer(), Type.Null()]),
  /** The public page; null while the article is not published. */
  url: Type.Union([Type.String(), Type.Null()]),
});
export type ArticleSummary = Static<typeof ArticleSummarySchema>;

export const ArticleSchema = Type.Composite([
  ArticleSummarySchema,
  Type.Object({
    body: Type.String({ description: 'Markdown' }),
    html: Type.String({ description: 'The body rendered and sanitised, as the help center shows it' }),
    text: Type.String({ description: 'The body as plain text, e.g. to paste into a chat reply' }),
    questions: Type.Array(Type.String(), { description: 'Alternative questions (相似问法)' }),
    translations: Type.Array(TranslationSchema, { description: 'The same article in the other locales' }),
    createdAt: Type.Integer(),
  }),
]);
export type ArticleView = Static<typeof ArticleSchema>;

export const RevisionSchema = Type.Object({
  id: Type.Integer(),
  articleId: Type.Integer(),
  title: Type.String(),
  body: Type.String(),
  questions: Type.Array(Type.String()),
  agent: Type.Union([Type.Object({ id: Type.Integer(), name: Type.String() }), Type.Null()]),
  createdAt: Type.Integer(),
});
export type RevisionView = Static<typeof RevisionSchema>;

export const SearchHitSchema = Type.Composite([
  ArticleSummarySchema,
  Type.Object({ snippet: Type.String({ description: 'Plain text around the match' }), score: Type.Number() }),
]);
export type SearchHit = Static<typeof SearchHitSchema>;

const Questions = Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 200 });
const Slug = Type.String({ minLength: 1, maxLength: 100 });

export const ArticleInputSchema = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 300 }),
    body: Type.String({ maxLength: 200_000, description: 'Markdown; images as ![alt](/help/files/<attachmentId>/<name>)' }),
    locale: LocaleSchema,
    status: Type.Optional(StatusSchema),
    slug: Type.Optional(Slug),
    categoryId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    questions: Type.Optional(Questions),
    translationOf: Type.Optional(Type.Integer({ minimum: 1, description: 'An article this one translates' })),
  },
  { additionalProperties: false },
);
export type ArticleInput = Static<typeof ArticleInputSchema>;

export const ArticlePatchSchema = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    body: Type.Optional(Type.String({ maxLength: 200_000 })),
    status: Type.Optional(StatusSchema),
    slug: Type.Optional(Slug),
    categoryId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    questions: Type.Optional(Questions),
  },
  { additionalProperties: false },
);
export type ArticlePatch = Static<typeof ArticlePatchSchema>;

export const CategoryInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    slug: Type.Optional(Slug),
    names: Type.Optional(Type.Partial(Type.Object({ en: Type.String({ maxLength: 200 }), 'zh-CN': Type.String({ maxLength: 200 }), 'zh-TW': Type.String({ maxLength: 200 }) }), { additionalProperties: false })),
    parentId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  },
  { additionalProperties: false },
);
export type CategoryInput = Static<typeof CategoryInputSchema>;
