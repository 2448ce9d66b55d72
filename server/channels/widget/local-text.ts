import { Type, type Static } from '@sinclair/typebox';

export const WIDGET_LANGUAGES = ['en', 'zh-CN', 'zh-TW'] as const;

/** A text shown to visitors: one string for every language, or one per language (at least one). */
export function localText(maxLength: number) {
  const text = Type.String({ minLength: 1, maxLength });
  return Type.Union([
    text,
    Type.Object(
      { en: Type.Optional(text), 'zh-CN': Type.Optional(text), 'zh-TW': Type.Optional(text) },
      { additionalProperties: false, minProperties: 1 },
    ),
  ]);
}
export type LocalText = Static<ReturnType<typeof localText>>;

/**
 * The text by language, with `default` (English, else the first given) for a language not listed.
 * A plain string is the default for all.
 */
export function localTextMap(text: LocalText | undefined, fallback: string): Record<string, string> {
  if (text === undefined) return { default: fallback };
  if (typeof text === 'string') return { default: text };
  const given = WIDGET_LANGUAGES.flatMap((lang) => (text[lang] ? [[lang, text[lang]] as const] : []));
  return { default: text.en ?? given[0]?.[1] ?? fallback, ...Object.fromEntries(given) };
}

/** The text for one language, falling back like localTextMap. */
export function localTextFor(text: LocalText | undefined, lang: string | null | undefined, fallback: string): string {
  const map = localTextMap(text, fallback);
  return (lang ? map[lang] : undefined) ?? map.default ?? fallback;
}
