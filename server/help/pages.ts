import { articlePath } from '../modules/kb/presenter.js';
import { categoryName } from '../modules/kb/presenter.js';
import type { ArticlePage, CategoryPage, CategoryWithArticles } from '../modules/kb/public.js';
import type { SearchHit } from '../modules/kb/schemas.js';
import { KB_LOCALES, type KbLocale } from '../modules/kb/tables.js';
import { html, trusted, type Html } from './html.js';
import { page, searchForm, type Site } from './layout.js';
import type { Translate } from './messages.js';

export interface Reader {
  site: Site;
  locale: KbLocale;
  t: Translate;
}

const categoryPath = (locale: KbLocale, slug: string) => `/help/${locale}/categories/${encodeURIComponent(slug)}`;
const everyLocale = (path: (l: KbLocale) => string) => Object.fromEntries(KB_LOCALES.map((l) => [l, path(l)])) as Record<KbLocale, string>;

export function homePage({ site, locale, t }: Reader, categories: CategoryWithArticles[]): Html {
  const title = site.title(t);
  const hero = html`<div class="hero"><div class="wrap"><h1>${t('help.heroTitle')}</h1>${searchForm({ t, locale })}</div></div>`;
  const cards = categories.map(({ category, count, top }) => {
    const name = category.id === 0 ? t('help.otherArticles') : categoryName(category, locale);
    const heading = category.id === 0 ? html`${name}` : html`<a href="${categoryPath(locale, category.slug)}">${name}</a>`;
    return html`<li class="card"><h3 style="font-size:18px;margin:0 0 4px">${heading}</h3>
<p class="muted" style="margin:0">${t('help.articleCount', { count })}</p>
<ul>${top.map((a) => html`<li><a href="${articlePath(locale, a.slug)}">${a.title}</a></li>`)}</ul>
${count > top.length && category.id !== 0 ? html`<a href="${categoryPath(locale, category.slug)}">${t('help.allArticles', { count })}</a>` : null}</li>`;
  });
  const main = html`<h2>${t('help.topics')}</h2>${cards.length > 0 ? html`<ul class="cards">${cards}</ul>` : html`<p>${t('help.noArticles')}</p>`}`;
  return page(site, { locale, t, title, description: t('help.heroTitle'), path: `/help/${locale}`, alternates: everyLocale((l) => `/help/${l}`), main }, hero);
}

export function searchPage({ site, locale, t }: Reader, q: string, hits: SearchHit[]): Html {
  const query = q.trim();
  const heading = query === '' ? t('help.searchButton') : t('help.resultsFor', { q: query });
  let body: Html;
  if (query === '') body = html`<p>${t('help.searchEmpty')}</p>`;
  else if (hits.length === 0) body = html`<p>${t('help.noResults', { q: query })}</p>`;
  else {
    body = html`<p class="muted">${t('help.resultCount', { count: hits.length })}</p><ol class="hits">${hits.map(
      (h) => html`<li><a href="${articlePath(h.locale, h.slug)}">${h.title}</a><p class="muted" style="margin:4px 0 0">${h.snippet}</p></li>`,
    )}</ol>`;
  }
  const search = (l: KbLocale) => `/help/search?q=${encodeURIComponent(query)}&locale=${l}`;
  return page(site, {
    locale,
    t,
    title: heading,
    description: heading,
    path: search(locale),
    alternates: everyLocale(search),
    query,
    noindex: true,
    main: html`<h1>${heading}</h1>${body}`,
  });
}

export function categoryView({ site, locale, t }: Reader, data: CategoryPage): Html {
  const name = categoryName(data.category, locale);
  const crumbs = html`<nav class="crumbs" aria-label="${t('help.breadcrumb')}"><a href="/help/${locale}">${site.title(t)}</a>${
    data.parent ? html` › <a href="${categoryPath(locale, data.parent.slug)}">${categoryName(data.parent, locale)}</a>` : null
  }</nav>`;
  const children = data.children.length > 0
    ? html`<ul class="list">${data.children.map((c) => html`<li><a href="${categoryPath(locale, c.slug)}">${categoryName(c, locale)}</a></li>`)}</ul>`
    : null;
  const list = data.articles.length > 0
    ? html`<ul class="list">${data.articles.map((a) => html`<li><a href="${articlePath(locale, a.slug)}">${a.title}</a></li>`)}</ul>`
    : html`<p>${t('help.noArticles')}</p>`;
  return page(site, {
    locale,
    t,
    title: name,
    description: name,
    path: categoryPath(locale, data.category.slug),
    alternates: everyLocale((l) => categoryPath(l, data.category.slug)),
    main: html`${crumbs}<h1>${name}</h1>${children}${list}`,
  });
}

export interface ArticleExtras {
  html: string;
  description: string;
  voted: 'thanks' | 'limited' | null;
}

export function articleView({ site, locale, t }: Reader, data: ArticlePage, extras: ArticleExtras): Html {
  const { article, category } = data;
  const path = articlePath(locale, article.slug);
  const updated = new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(new Date(article.updated_at));
  const crumbs = html`<nav class="crumbs" aria-label="${t('help.breadcrumb')}"><a href="/help/${locale}">${site.title(t)}</a>${
    category ? html` › <a href="${categoryPath(locale, category.slug)}">${categoryName(category, locale)}</a>` : null
  }</nav>`;
  const feedback = extras.voted
    ? html`<p role="status" style="margin:0">${t(extras.voted === 'thanks' ? 'help.feedbackThanks' : 'help.feedbackLimited')}</p>`
    : html`<span>${t('help.feedbackQuestion')}</span><form method="post" action="${path}/vote"><button name="helpful" value="yes">${t('help.feedbackYes')}</button><button name="helpful" value="no">${t('help.feedbackNo')}</button></form>`;
  const main = html`${crumbs}<article class="body"><h1>${article.title}</h1><p class="muted">${t('help.updated', { date: updated })}</p>
${trusted(extras.html)}</article>
<section class="feedback" id="feedback" aria-label="${t('help.feedbackQuestion')}">${feedback}</section>`;
  return page(site, {
    locale,
    t,
    title: article.title,
    description: extras.description,
    path,
    alternates: Object.fromEntries(data.translations.map((tr) => [tr.locale, articlePath(tr.locale, tr.slug)])),
    ogType: 'article',
    main,
  });
}

export function notFoundView({ site, locale, t }: Reader): Html {
  return page(site, {
    locale,
    t,
    title: t('help.notFoundTitle'),
    description: t('help.notFoundText'),
    path: `/help/${locale}`,
    alternates: {},
    noindex: true,
    main: html`<h1>${t('help.notFoundTitle')}</h1><p>${t('help.notFoundText')}</p><p><a href="/help/${locale}">${t('help.backHome')}</a></p>`,
  });
}
