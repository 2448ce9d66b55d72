import type { Config } from '../config/schema.js';
import { KB_LOCALES, type KbLocale } from '../modules/kb/tables.js';
import { html, trusted, type Html, type HtmlValue } from './html.js';
import { LOCALE_NAMES, type Translate } from './messages.js';

export interface Site {
  /** public_url without a trailing slash, for canonical and Open Graph URLs. */
  origin: string;
  title: (t: Translate) => string;
  brandColor: string;
  logoUrl: string | null;
  contactUrl: string | null;
}

export function siteOf(config: Config): Site {
  const hc = config.help_center;
  const mailbox = config.channels.email[0]?.address;
  return {
    origin: config.server.public_url.replace(/\/+$/, ''),
    title: (t) => hc.title ?? t('help.title'),
    brandColor: hc.brand_color,
    logoUrl: hc.logo_url ?? null,
    contactUrl: hc.contact_url ?? (mailbox ? `mailto:${mailbox}` : null),
  };
}

export interface PageSpec {
  locale: KbLocale;
  t: Translate;
  /** The document title's first part (the site title follows). */
  title: string;
  description: string;
  /** Site-relative path of this page in this locale. */
  path: string;
  /** The same page in each locale it exists in (hreflang), this one included. */
  alternates: Partial<Record<KbLocale, string>>;
  /** The search box's current query. */
  query?: string;
  ogType?: 'website' | 'article';
  noindex?: boolean;
  main: Html;
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.6 system-ui,-apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#1f2937;background:#f8fafc}
a{color:var(--brand)}
a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid var(--brand);outline-offset:2px}
.wrap{max-width:960px;margin:0 auto;padding:0 20px}
header.site{background:var(--brand);color:#fff}
header.site .wrap{display:flex;align-items:center;gap:16px;min-height:60px;flex-wrap:wrap;padding-top:8px;padding-bottom:8px}
header.site a.brand{color:#fff;text-decoration:none;font-weight:600;font-size:18px;display:flex;align-items:center;gap:10px;margin-right:auto}
header.site img{height:32px;width:auto}
nav.langs{display:flex;gap:4px;font-size:14px}
nav.langs a{color:#fff;text-decoration:none;padding:4px 8px;border-radius:6px}
nav.langs a[aria-current]{background:rgba(255,255,255,.22)}
.hero{background:var(--brand);color:#fff;padding:8px 0 36px}
.hero h1{margin:0 0 16px;font-size:28px;line-height:1.3}
form.search{display:flex;gap:8px;max-width:640px}
form.search input{flex:1;min-width:0;font:inherit;padding:10px 14px;border:1px solid #cbd5e1;border-radius:8px}
form.search button{font:inherit;padding:10px 18px;border:0;border-radius:8px;background:#111827;color:#fff;cursor:pointer}
main{padding:28px 0 40px}
main h1{font-size:28px;line-height:1.3;margin:0 0 12px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:16px;padding:0;list-style:none}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:12px;padding:16px 20px}
.card h2{font-size:18px;margin:0 0 4px}.card h2 a{text-decoration:none}
.card ul,.list{padding-left:18px;margin:8px 0}
.muted{color:#64748b;font-size:14px}
nav.crumbs{font-size:14px;color:#64748b;margin-bottom:12px}
nav.crumbs a{color:#64748b}
article.body{background:#fff;border:1px solid #e2e8f0;border-radius:12px;padding:24px 28px;overflow-wrap:anywhere}
article.body img{max-width:100%;height:auto}
article.body pre{overflow:auto;background:#f1f5f9;padding:12px;border-radius:8px}
article.body table{border-collapse:collapse}article.body td,article.body th{border:1px solid #e2e8f0;padding:4px 8px}
.feedback,.help{margin-top:20px;background:#fff;border:1px solid #e2e8f0;border-radius:12px;padding:16px 20px}
.feedback form{display:inline-flex;gap:8px;margin-left:8px}
.feedback button{font:inherit;padding:6px 16px;border:1px solid #cbd5e1;border-radius:8px;background:#fff;cursor:pointer}
.help a.button{display:inline-block;background:var(--brand);color:#fff;text-decoration:none;padding:8px 16px;border-radius:8px;font-weight:600}
.hits{list-style:none;padding:0}.hits li{background:#fff;border:1px solid #e2e8f0;border-radius:12px;padding:14px 18px;margin-bottom:10px}
.hits a{font-weight:600}
footer.site{border-top:1px solid #e2e8f0;padding:20px 0;color:#64748b;font-size:14px}
.portal-bar{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;justify-content:space-between;margin-bottom:16px}
.portal-bar form{margin:0}
.panel{background:#fff;border:1px solid #e2e8f0;border-radius:12px;padding:20px 24px;margin-bottom:16px}
.panel label{display:block;font-weight:600;margin:14px 0 6px}
.panel input[type=email],.panel input[type=text],.panel textarea{width:100%;font:inherit;padding:10px 12px;border:1px solid #cbd5e1;border-radius:8px;background:#fff}
.panel textarea{min-height:140px;resize:vertical}
.panel input[type=file]{font:inherit;max-width:100%}
.btn{display:inline-block;font:inherit;font-weight:600;padding:10px 18px;border:0;border-radius:8px;background:var(--brand);color:#fff;text-decoration:none;cursor:pointer;margin-top:14px}
.btn.quiet{background:#fff;color:#1f2937;border:1px solid #cbd5e1;margin:0;padding:6px 14px;font-weight:400}
.notice{border-radius:8px;padding:10px 14px;margin:0 0 16px;background:#ecfdf5;color:#065f46;border:1px solid #a7f3d0}
.notice.error{background:#fef2f2;color:#991b1b;border-color:#fecaca}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
table.tickets{width:100%;border-collapse:collapse;background:#fff;border:1px solid #e2e8f0;border-radius:12px;overflow:hidden}
table.tickets th,table.tickets td{text-align:left;padding:12px 14px;border-bottom:1px solid #e2e8f0;vertical-align:top}
table.tickets th{font-size:13px;color:#64748b;font-weight:600;background:#f8fafc}
.status{display:inline-block;font-size:13px;padding:2px 10px;border-radius:999px;background:#e0f2fe;color:#075985;white-space:nowrap}
.status.resolved,.status.closed{background:#f1f5f9;color:#475569}.status.pending{background:#fef9c3;color:#854d0e}
ol.thread{list-style:none;padding:0;margin:0}
ol.thread li{background:#fff;border:1px solid #e2e8f0;border-radius:12px;padding:14px 18px;margin-bottom:12px}
ol.thread li.mine{background:#f0f9ff;border-color:#bae6fd}
ol.thread .who{font-weight:600}ol.thread .text{white-space:pre-wrap;overflow-wrap:anywhere;margin:6px 0 0}
ol.thread ul.files{margin:8px 0 0;padding-left:18px;font-size:14px}
@media (max-width:600px){table.tickets thead{display:none}table.tickets tr{display:block;border-bottom:1px solid #e2e8f0;padding:8px 0}table.tickets td{display:block;border:0;padding:2px 14px}.panel{padding:16px}}
@media (max-width:600px){.hero h1,main h1{font-size:22px}article.body{padding:16px}.feedback form{display:flex;margin:8px 0 0}}
`;

/** The one page shell: head (canonical, hreflang, Open Graph), header with languages and search, footer. */
export function page(site: Site, spec: PageSpec, hero: HtmlValue = null): Html {
  const { t, locale } = spec;
  const siteTitle = site.title(t);
  const url = (p: string) => `${site.origin}${p}`;
  const alternates = KB_LOCALES.filter((l) => spec.alternates[l] !== undefined);
  const homeOf = (l: KbLocale) => `/help/${l}`;
  return html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${spec.title === siteTitle ? siteTitle : `${spec.title} · ${siteTitle}`}</title>
<meta name="description" content="${spec.description}">
${spec.noindex ? html`<meta name="robots" content="noindex">` : html`<link rel="canonical" href="${url(spec.path)}">`}
${alternates.map((l) => html`<link rel="alternate" hreflang="${l}" href="${url(spec.alternates[l]!)}">\n`)}
${alternates.length > 1 && spec.alternates.en ? html`<link rel="alternate" hreflang="x-default" href="${url(spec.alternates.en)}">` : null}
<meta property="og:type" content="${spec.ogType ?? 'website'}">
<meta property="og:site_name" content="${siteTitle}">
<meta property="og:title" content="${spec.title}">
<meta property="og:description" content="${spec.description}">
<meta property="og:url" content="${url(spec.path)}">
<meta property="og:locale" content="${locale.replace('-', '_')}">
${site.logoUrl ? html`<meta property="og:image" content="${site.logoUrl.startsWith('/') ? url(site.logoUrl) : site.logoUrl}">` : null}
<meta name="theme-color" content="${site.brandColor}">
<style>:root{--brand:${site.brandColor}}${trusted(CSS)}</style>
</head>
<body>
<header class="site"><div class="wrap">
<a class="brand" href="${homeOf(locale)}">${site.logoUrl ? html`<img src="${site.logoUrl}" alt="${t('help.logoAlt', { title: siteTitle })}">` : null}<span>${siteTitle}</span></a>
<nav class="langs" aria-label="${t('help.language')}">${KB_LOCALES.map(
    (l) => html`<a href="${spec.alternates[l] ?? homeOf(l)}" hreflang="${l}" lang="${l}"${l === locale ? html` aria-current="page"` : null}>${LOCALE_NAMES[l]}</a>`,
  )}</nav>
</div></header>
${hero ?? html`<div class="hero"><div class="wrap">${searchForm(spec)}</div></div>`}
<main id="main"><div class="wrap">
${spec.main}
${stillNeedHelp(site, t)}
</div></main>
<footer class="site"><div class="wrap"><a href="${homeOf(locale)}">${t('help.home')}</a></div></footer>
</body>
</html>
`;
}

export function searchForm(spec: Pick<PageSpec, 't' | 'locale' | 'query'>): Html {
  const { t } = spec;
  return html`<form class="search" role="search" action="/help/search" method="get">
<input type="hidden" name="locale" value="${spec.locale}">
<label for="q" style="position:absolute;left:-9999px">${t('help.searchLabel')}</label>
<input id="q" type="search" name="q" value="${spec.query ?? ''}" placeholder="${t('help.searchPlaceholder')}" maxlength="200">
<button type="submit">${t('help.searchButton')}</button>
</form>`;
}

function stillNeedHelp(site: Site, t: Translate): Html | null {
  if (!site.contactUrl) return null;
  return html`<section class="help" aria-labelledby="still-need-help"><h2 id="still-need-help" style="font-size:18px;margin:0 0 4px">${t('help.stillNeedHelp')}</h2>
<p class="muted" style="margin:0 0 12px">${t('help.stillNeedHelpText')}</p><a class="button" href="${site.contactUrl}">${t('help.contactUs')}</a></section>`;
}
