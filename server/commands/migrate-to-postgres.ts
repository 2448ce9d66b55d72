import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { migrations } from '../../migrations/index.js';
import { databaseConfigProblems } from '../config/database-url.js';
import { loadConfig } from '../config/load.js';
import { databaseFile, openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { copyTables, rebuildSearch, refuseNonEmptyTarget, verifyTables, type TableCheck } from '../db/pg-copy/copy.js';
import { CopyRefused, planCopy } from '../db/pg-copy/plan.js';
import { connectPostgres } from '../db/postgres-startup.js';
import { DatabaseStartupError } from '../db/startup-error.js';
import { acquireInstanceLock, InstanceLocked, type InstanceLock } from '../modules/backup/instance-lock.js';
import { UsageError, type Command } from './types.js';

const USAGE = 'kefu migrate-to-postgres --url postgres://user:password@host:5432/db | --url-file FILE [--config FILE]';

function readUrlFile(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new DatabaseStartupError(`--url-file: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function report(checks: readonly TableCheck[]): string {
  const width = Math.max(...checks.map((c) => c.table.length));
  return checks
    .map((c) => {
      const verdict = c.ok ? 'ok' : `MISMATCH (SQLite ${c.source.rows} rows ${c.source.sha256.slice(0, 12)}, PostgreSQL ${c.target.rows} rows ${c.target.sha256.slice(0, 12)})`;
      return `  ${c.table.padEnd(width)}  ${String(c.source.rows).padStart(9)} rows  sha256 ${c.source.sha256.slice(0, 12)}  ${verdict}\n`;
    })
    .join('');
}

export const migrateToPostgresCommand: Command = {
  summary: 'copy a stopped SQLite instance into an empty PostgreSQL database and verify the copy',
  usage: USAGE,
  async run({ argv, configPath, stdout, stderr }) {
    const { values } = parseArgs({ args: argv, options: { url: { type: 'string' }, 'url-file': { type: 'string' } }, strict: true });
    if ((values.url === undefined) === (values['url-file'] === undefined)) throw new UsageError('give --url or --url-file');
    // A password on the command line shows in the process list; a file keeps it out of sight.
    const url = values.url ?? readUrlFile(values['url-file'] ?? '');
    const problem = databaseConfigProblems({ driver: 'postgres', url }, '--url')[0];
    if (problem) throw new DatabaseStartupError(problem);
    const config = loadConfig({ path: configPath });
    const file = databaseFile(config.data_dir);
    if (!existsSync(file)) throw new UsageError(`no SQLite database at ${file}: nothing to copy`);

    const target = await connectPostgres({ url, poolSize: 2, urlKey: '--url' });
    let lock: InstanceLock | null = null;
    try {
      try {
        lock = acquireInstanceLock(config.data_dir, 'migrate-to-postgres');
      } catch (err) {
        if (!(err instanceof InstanceLocked)) throw err;
        const who = err.owner ? ` (${err.owner.purpose}, pid ${err.owner.pid} on ${err.owner.host})` : '';
        stderr.write(`kefu migrate-to-postgres: refused: Kefu is running on ${config.data_dir}${who}; stop it first, so the copy is complete.\nnothing was copied.\n`);
        return 1;
      }
      const source = openDatabase(file, { readonly: true });
      const client = await target.pool.connect();
      try {
        const applied = source.sqlite.prepare('select name from kefu_migrations').pluck().all() as string[];
        const missing = Object.keys(migrations).filter((name) => !applied.includes(name));
        if (missing.length > 0) throw new CopyRefused(`the SQLite database is behind this Kefu (missing ${missing.join(', ')}); run kefu migrate first`);
        await refuseNonEmptyTarget(source.sqlite, client);
        await migrateToLatest(target, '');
        const plans = await planCopy(source.sqlite, client);
        stdout.write(`copying ${plans.length} tables from ${file} to ${target.url}\n`);
        await copyTables(source.sqlite, client, plans);
        const documents = await rebuildSearch(target);
        const checks = await verifyTables(source.sqlite, client, plans);
        stdout.write(report(checks));
        const bad = checks.filter((c) => !c.ok);
        if (bad.length > 0) {
          stderr.write(`kefu migrate-to-postgres: ${bad.length} table(s) differ after the copy: ${bad.map((c) => c.table).join(', ')}; do not switch to this database.\n`);
          return 1;
        }
        const rows = checks.reduce((n, c) => n + c.source.rows, 0);
        stdout.write(
          [
            `copied ${rows} rows in ${checks.length} tables; every row count and checksum matches.`,
            `search: rebuilt ${documents} search documents on PostgreSQL from the copied messages, tickets and contacts.`,
            `attachments and secret.key stay in ${path.resolve(config.data_dir)}: keep that data directory (shared by every Kefu process).`,
            '',
            'the one change to make, in config.yaml:',
            '  database:',
            '    driver: postgres',
            `    url: ${target.url}   # with the real password, or url_file: /path/to/a/file holding the URL`,
            '',
            'then start Kefu again: it serves from PostgreSQL, and the SQLite file is no longer used.',
            '',
          ].join('\n'),
        );
        return 0;
      } catch (err) {
        if (!(err instanceof CopyRefused)) throw err;
        stderr.write(`kefu migrate-to-postgres: refused: ${err.message}\nnothing was copied.\n`);
        return 1;
      } finally {
        client.release();
        await source.close();
      }
    } finally {
      lock?.release();
      await target.close();
    }
  },
};
