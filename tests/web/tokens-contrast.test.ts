import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const css = readFileSync(new URL('../../web/shared/tokens.css', import.meta.url), 'utf8');

/** The hex colours a block of tokens.css declares, by custom property name. */
function colours(block: string): Map<string, string> {
  return new Map([...block.matchAll(/--(kf-[\w-]+):\s*(#[0-9a-f]{6})\s*;/gi)].map((m) => [m[1]!, m[2]!.toLowerCase()]));
}

const darkStart = css.indexOf('@media (prefers-color-scheme: dark)');
const light = colours(css.slice(0, darkStart));
// Dark mode overrides some tokens; the rest keep their light value.
const dark = new Map([...light, ...colours(css.slice(darkStart))]);

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** WCAG 2 contrast ratio. */
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

const SURFACES = ['kf-bg', 'kf-bg-subtle', 'kf-bg-sunken', 'kf-bg-hover', 'kf-bg-selected', 'kf-bg-elevated'];
/** Small text (11–13 px) wants 4.5:1 (WCAG AA 1.4.3). */
const TEXT: Array<[string, string]> = [
  ...['kf-text', 'kf-text-muted', 'kf-text-faint'].flatMap((fg) => SURFACES.map((bg): [string, string] => [fg, bg])),
  ['kf-accent', 'kf-bg'],
  ['kf-accent', 'kf-bg-selected'],
  ['kf-accent', 'kf-accent-soft'],
  ['kf-accent-text', 'kf-accent'],
  ['kf-warning', 'kf-warning-soft'],
  ['kf-success', 'kf-success-soft'],
  ['kf-danger', 'kf-danger-soft'],
  ['kf-danger', 'kf-bg'],
];
/** Priority flags are icons: 3:1 for graphics (WCAG AA 1.4.11). */
const GRAPHICS: Array<[string, string]> = ['kf-urgent', 'kf-high', 'kf-normal', 'kf-low'].flatMap((fg) =>
  ['kf-bg', 'kf-bg-elevated', 'kf-bg-hover'].map((bg): [string, string] => [fg, bg]),
);

describe('design token contrast', () => {
  for (const [scheme, tokens] of [['light', light], ['dark', dark]] as const) {
    const ratio = (fg: string, bg: string) => {
      const a = tokens.get(fg);
      const b = tokens.get(bg);
      if (!a || !b) throw new Error(`${scheme}: no colour for --${a ? bg : fg}`);
      return Math.round(contrast(a, b) * 100) / 100;
    };
    it(`${scheme}: small text is at least 4.5:1 on every surface it sits on`, () => {
      const low = TEXT.map(([fg, bg]) => ({ pair: `${fg} on ${bg}`, ratio: ratio(fg, bg) })).filter((p) => p.ratio < 4.5);
      expect(low).toEqual([]);
    });
    it(`${scheme}: priority flags are at least 3:1`, () => {
      const low = GRAPHICS.map(([fg, bg]) => ({ pair: `${fg} on ${bg}`, ratio: ratio(fg, bg) })).filter((p) => p.ratio < 3);
      expect(low).toEqual([]);
    });
  }

  it('computes the WCAG ratio', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#8e8e99', '#ffffff')).toBeCloseTo(3.24, 2);
  });
});
