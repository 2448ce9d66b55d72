import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

export type PgTool = 'pg_dump' | 'pg_restore';

/** Debian and Ubuntu install each PostgreSQL major's client programs here. */
const DEBIAN_ROOT = '/usr/lib/postgresql';

/** A PostgreSQL client program Kefu needs for backups is not installed (or not where it was told). */
export class PgToolMissing extends Error {
  readonly code = 'pg_tool_missing';

  constructor(
    readonly tool: PgTool,
    where: string,
  ) {
    super(
      `${tool} was not found (looked in ${where}): install the PostgreSQL client programs of the server's major version or newer ` +
        `(Debian/Ubuntu: apt-get install postgresql-client), or set backup.postgres_bin to the directory holding ${tool}`,
    );
    this.name = 'PgToolMissing';
  }
}

/** A pg_dump or pg_restore run that failed; `message` carries what it printed, which holds no password. */
export class PgToolFailed extends Error {
  readonly code = 'pg_tool_failed';
}

/**
 * Where `tool` is: in `dir` only when given (backup.postgres_bin), else on PATH, else the newest
 * major under /usr/lib/postgresql (pg_dump must be at least the server's major version).
 */
export function findPgTool(tool: PgTool, dir?: string): string {
  const candidates: string[] = [];
  if (dir) candidates.push(dir);
  else {
    candidates.push(...(process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== ''));
    if (existsSync(DEBIAN_ROOT)) {
      const majors = readdirSync(DEBIAN_ROOT).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a));
      candidates.push(...majors.map((m) => path.join(DEBIAN_ROOT, m, 'bin')));
    }
  }
  for (const d of candidates) {
    const file = path.join(d, tool);
    if (existsSync(file)) return file;
  }
  throw new PgToolMissing(tool, dir ?? `PATH and ${DEBIAN_ROOT}/*/bin`);
}

/**
 * The connection as the client programs take it: the URL without its password, which goes in
 * PGPASSWORD instead, so it never shows in a process list.
 */
export function pgConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { dbname: parsed.toString(), env: password ? { PGPASSWORD: password } : {} };
}

/**
 * Runs a client program; against database.url when given (pg_dump, pg_restore into a database),
 * on files alone otherwise (pg_restore --list). Resolves with what it wrote to stdout.
 */
export function runPgTool(file: string, args: string[], url?: string): Promise<string> {
  const connection = url === undefined ? null : pgConnection(url);
  const argv = connection ? [`--dbname=${connection.dbname}`, ...args] : args;
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { env: { ...process.env, ...connection?.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new PgToolFailed(`${path.basename(file)} exited with code ${code}: ${err.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}
