import os from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** The p-th percentile (0–100) of samples, nearest-rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export interface Samples {
  /** wall-clock milliseconds per run */
  wall: number[];
  /**
   * CPU milliseconds this process spent per run. On a machine shared with other work, wall time
   * includes waiting for a core; CPU time is what the run would take on an idle core.
   */
  cpu: number[];
}

/** Runs fn `runs` times after `warmup` unmeasured runs. */
export async function timeRuns(runs: number, fn: (i: number) => Promise<unknown>, warmup = 3): Promise<Samples> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn(i);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall, cpu };
}

/** The load average over the last minute per core: above 1, wall times include queueing for a CPU. */
export function loadPerCore(): number {
  return os.loadavg()[0]! / os.cpus().length;
}

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** e.g. '< 15', '> 1500' or '<= 2'; absent for figures without a target */
  target?: string;
}

const met = (f: Figure): string => {
  if (!f.target) return '';
  const [op, raw] = f.target.split(' ');
  const limit = Number(raw);
  const ok = op === '<' ? f.value < limit : op === '<=' ? f.value <= limit : op === '>=' ? f.value >= limit : f.value > limit;
  return ok ? 'ok' : 'MISSED';
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

/** CPU milliseconds of each thread of this process so far, by task id (Linux /proc; empty elsewhere). */
export function threadCpuMs(): Map<string, { name: string; ms: number }> {
  const out = new Map<string, { name: string; ms: number }>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
      out.set(tid, { name, ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/**
 * Where the CPU went between two threadCpuMs() readings, per unit of work, busiest threads first.
 * The main thread's task id is the pid; worker threads (parse pool, search index) show as their
 * own tasks, which tells whether a figure is bound by the main thread or by the helpers.
 */
export function threadBreakdown(before: Map<string, { name: string; ms: number }>, units: number): string {
  const after = threadCpuMs();
  const rows: Array<[string, number]> = [];
  for (const [tid, t] of after) {
    const ms = t.ms - (before.get(tid)?.ms ?? 0);
    if (ms > 0) rows.push([`${tid === String(process.pid) ? 'main' : t.name}#${tid}`, ms / units]);
  }
  rows.sort((a, b) => b[1] - a[1]);
  return rows.map(([name, ms]) => `${name} ${ms.toFixed(2)} ms`).join(', ');
}

/**
 * CPU milliseconds used so far by one PostgreSQL server: its postmaster and the processes it
 * started (backends, autovacuum, WAL writer), those still running and those that ended (a pool
 * closing an idle connection must not take its backend's CPU out of the sum). Other clusters on
 * the machine are not counted.
 */
export function postgresServerCpuMs(postmasterPid: number): number {
  const TICK_MS = 1000 / 100; // USER_HZ
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Fields of stat(5) from the state on: ppid [1], utime [11], stime [12], and the ended
      // children's cutime [13] and cstime [14], in clock ticks.
      if (Number(pid) === postmasterPid) total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * TICK_MS;
      else if (Number(fields[1]) === postmasterPid) total += (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    } catch {
      // The process ended while we looked: its time moves to the postmaster's children's.
    }
  }
  return total;
}
