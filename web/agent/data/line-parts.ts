import { currentLanguage, t, type MessageKey } from '../../shared/i18n/i18n.js';

/** Words of a system line: the sentence's own text, or a value (a name, a label) put into it. */
export type LinePart = string | { value: string };

/**
 * A translated sentence cut at its placeholders, so names and labels can be set apart on screen
 * (and never read as part of the app's own wording). A list fills its placeholder value by value.
 */
export function lineParts(key: MessageKey, params: Record<string, string | number | readonly string[]>): LinePart[] {
  const template = t(key);
  const parts: LinePart[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    const name = m[1] ?? '';
    if (!(name in params)) continue;
    if (m.index > last) parts.push(template.slice(last, m.index));
    const value = params[name];
    if (Array.isArray(value)) {
      const separator = currentLanguage() === 'en' ? ', ' : '、';
      value.forEach((v: string, i) => parts.push(...(i > 0 ? [separator] : []), { value: v }));
    } else parts.push({ value: String(value) });
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  return parts;
}

export const lineText = (parts: readonly LinePart[]): string => parts.map((p) => (typeof p === 'string' ? p : p.value)).join('');
