import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench [-- name ...]`: runs every tests/bench/*.bench.ts (or those whose file name
 * contains one of the names), each in its own process so memory figures are its own, and
 * prints a summary of the `BENCH {...}` lines they report.
 */
const dir = path.dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((name) => f.includes(name)))
  .sort();

if (files.length === 0) {
  console.error(`no bench files match ${filters.join(', ') || '*'} in ${dir}`);
  process.exit(1);
}

interface Line {
  name: string;
  value: number;
  unit: string;
  target?: string;
  status: string;
}

const summary: Array<{ file: string; line: Line }> = [];
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const started = Date.now();
  // Streamed line by line: a bench at full size runs for minutes.
  const child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', path.join(dir, file)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const text of createInterface({ input: child.stdout })) {
    if (text.startsWith('BENCH ')) summary.push({ file, line: JSON.parse(text.slice(6)) as Line });
    else console.log(text);
  }
  const code = await new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('close', (c) => resolve(c));
  });
  if (code !== 0) {
    failed++;
    console.log(`!!! ${file} exited with ${code}`);
  }
  console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

console.log('\n=== summary ===');
for (const { file, line } of summary) {
  const value = line.value >= 100 ? line.value.toFixed(0) : line.value.toFixed(2);
  console.log(`${file.replace('.bench.ts', '').padEnd(10)} ${line.name.padEnd(52)} ${value.padStart(9)} ${line.unit.padEnd(6)} ${(line.target ?? '').padEnd(8)} ${line.status}`);
}
const missed = summary.filter((s) => s.line.status === 'MISSED').length;
console.log(`\n${summary.length} figures, ${missed} targets missed, ${failed} bench files failed`);
process.exit(failed > 0 ? 1 : 0);
