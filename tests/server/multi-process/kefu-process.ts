import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { kefuCommand } from '../../helpers/cli.js';

export type LogLine = Record<string, unknown> & { msg?: string };

/** A `kefu serve` child process and the JSON lines it logged. */
export interface KefuProcess {
  readonly name: string;
  readonly url: string;
  readonly proc: ChildProcess;
  readonly lines: LogLine[];
  /** The first line (logged already or still to come) matching pred. */
  line(pred: (l: LogLine) => boolean): Promise<LogLine>;
  /** Lines matching pred logged so far. */
  count(pred: (l: LogLine) => boolean): number;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts `kefu serve --config file` on `port` and resolves once it serves. */
export async function startKefu(name: string, configFile: string, port: number, env: Record<string, string> = {}): Promise<KefuProcess> {
  const proc = spawn(process.execPath, kefuCommand('serve', '--config', configFile), {
    env: { ...process.env, ...env, KEFU_PORT: String(port), NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const waiters: Array<{ pred: (l: LogLine) => boolean; resolve: (l: LogLine) => void }> = [];
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  createInterface({ input: proc.stdout! }).on('line', (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      return;
    }
    lines.push(line);
    for (const w of waiters.splice(0)) (w.pred(line) ? w.resolve : () => waiters.push(w))(line);
  });
  const line = (pred: (l: LogLine) => boolean): Promise<LogLine> => {
    const seen = lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => waiters.push({ pred, resolve }));
  };
  const serving = line((l) => l.msg === 'kefu is serving');
  await Promise.race([
    serving,
    exited.then(() => {
      throw new Error(`kefu ${name} exited before serving: ${stderr}\n${lines.map((l) => JSON.stringify(l)).join('\n')}`);
    }),
  ]);
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    proc,
    lines,
    line,
    count: (pred) => lines.filter(pred).length,
    async kill(signal) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill(signal);
      await exited;
    },
  };
}
