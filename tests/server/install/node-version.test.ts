import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Lock {
  packages: Record<string, { engines?: Record<string, string> | string[] }>;
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as Lock;

type Version = [number, number, number];

const parse = (v: string): Version => {
  const [a = '0', b = '0', c = '0'] = v.split('.');
  const n = (s: string) => (s === 'x' || s === '*' ? 0 : Number(s));
  return [n(a), n(b), n(c)];
};
const compare = (a: Version, b: Version): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** npm's engines ranges as packages write them: ||, >=, ^, X, X.x, X.Y, and space-joined sets. */
function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  return range.split('||').some((alternative) =>
    alternative
      .trim()
      .replace(/(>=|\^)\s+/g, '$1')
      .split(/\s+/)
      .every((comparator) => {
        if (comparator === '*' || comparator === '') return true;
        const m = /^(>=|\^)?(\d+)(?:\.(\d+|x))?(?:\.(\d+|x))?$/.exec(comparator);
        if (!m) throw new Error(`cannot read engines range "${range}"`);
        const [, op, major, minor, patch] = m;
        const want = parse([major, minor ?? '0', patch ?? '0'].join('.'));
        if (op === '>=') return compare(v, want) >= 0;
        if (op === '^') return v[0] === want[0] && compare(v, want) >= 0;
        if (v[0] !== want[0]) return false;
        return minor === undefined || minor === 'x' || v[1] === want[1];
      }),
  );
}

const minimum = /^>=(\d+\.\d+(?:\.\d+)?)$/.exec(pkg.engines.node)?.[1];

describe('the Node.js version Kefu asks for', () => {
  it('is a plain minimum in package.json', () => {
    expect(minimum).toMatch(/^\d+\.\d+/);
  });

  it('is accepted by every installed package, so npm ci prints no EBADENGINE warning', () => {
    const refusing = Object.entries(lock.packages)
      .filter(([name, p]) => name !== '' && p.engines && !Array.isArray(p.engines) && p.engines.node)
      .filter(([, p]) => !satisfies(minimum ?? '0', (p.engines as Record<string, string>).node as string))
      .map(([name, p]) => `${name}: ${(p.engines as Record<string, string>).node}`);
    expect(refusing).toEqual([]);
  });

  it('is the one install.sh checks and the README names', () => {
    const [major, minor] = (minimum ?? '').split('.');
    const install = readFileSync('install.sh', 'utf8');
    expect(install).toContain(`NODE_MIN_MAJOR=${major}\n`);
    expect(install).toContain(`NODE_MIN_MINOR=${minor}\n`);
    expect(readFileSync('README.md', 'utf8')).toContain(`Node.js ${major}.${minor}`);
  });
});
