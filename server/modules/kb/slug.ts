/**
 * A URL slug from a title. Chinese titles keep their characters ("如何申请退款"): browsers show
 * them as typed, and a transliteration would be wrong as often as right.
 */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug === '' ? 'article' : slug;
}

export const SLUG_PATTERN = '^[\\p{L}\\p{N}]+(-[\\p{L}\\p{N}]+)*$';
const SLUG = new RegExp(SLUG_PATTERN, 'u');

export const isSlug = (s: string): boolean => s.length <= 100 && SLUG.test(s);
