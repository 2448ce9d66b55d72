import type { DbOrTx } from '../db/database.js';
import { articlePath } from '../modules/kb/presenter.js';
import { sitemapRows, type SitemapRow } from '../modules/kb/public.js';
import { KB_LOCALES } from '../modules/kb/tables.js';
import { escapeHtml } from './html.js';

/**
 * A sitemaps.org <urlset> (with its namespace, which crawlers insist on) of every published
 * article, each listing its published translations as xhtml:link alternates.
 */
export async function sitemapXml(db: DbOrTx, origin: string): Promise<string> {
  const rows = await sitemapRows(db);
  const groups = new Map<number, SitemapRow[]>();
  for (const row of rows) groups.set(row.translation_group, [...(groups.get(row.translation_group) ?? []), row]);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
  ];
  for (const locale of KB_LOCALES) out.push(`<url><loc>${escapeHtml(`${origin}/help/${locale}`)}</loc></url>`);
  for (const row of rows) {
    const siblings = groups.get(row.translation_group) ?? [];
    out.push(
      `<url><loc>${escapeHtml(origin + articlePath(row.locale, row.slug))}</loc><lastmod>${new Date(row.updated_at).toISOString()}</lastmod>` +
        (siblings.length > 1
          ? siblings.map((s) => `<xhtml:link rel="alternate" hreflang="${s.locale}" href="${escapeHtml(origin + articlePath(s.locale, s.slug))}"/>`).join('')
          : '') +
        '</url>',
    );
  }
  out.push('</urlset>', '');
  return out.join('\n');
}
