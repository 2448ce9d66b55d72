import { performance } from 'node:perf_hooks';

/** The p-th percentile (0–100) of samples, nearest-rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/** Runs fn `runs` times after `warmup` unmeasured runs; returns each run's milliseconds. */
export async function timeRuns(runs: number, fn: (i: number) => Promise<unknown>, warmup = 3): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
  }
  return samples;
}

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** e.g. '< 15' or '> 1500'; absent for figures without a target */
  target?: string;
}

const met = (f: Figure): string => {
  if (!f.target) return '';
  const [op, raw] = f.target.split(' ');
  const limit = Number(raw);
  return (op === '<' ? f.value < limit : f.value > limit) ? 'ok' : 'MISSED';
};

/**
 * Prints figures as a table, plus one machine-readable `BENCH {...}` line each, which
 * tests/bench/run.ts collects into its summary.
 */
export function report(figures: Figure[]): void {
  const width = Math.max(...figures.map((f) => f.name.length));
  for (const f of figures) {
    const value = f.value >= 100 ? f.value.toFixed(0) : f.value.toFixed(2);
    console.log(`  ${f.name.padEnd(width)}  ${value.padStart(9)} ${f.unit.padEnd(6)} ${(f.target ?? '').padEnd(8)} ${met(f)}`);
  }
  for (const f of figures) console.log(`BENCH ${JSON.stringify({ ...f, status: met(f) })}`);
}

export const mb = (bytes: number): number => bytes / 1024 / 1024;
