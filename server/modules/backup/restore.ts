import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { extract as extractTar } from 'tar';
import { migrations as knownMigrations } from '../../../migrations/index.js';
import { databaseFile } from '../../db/database.js';
import { attachmentPath } from '../attachments/storage.js';
import { ensurePrivateDir, PRIVATE_DIR_MODE, restrictTree } from '../../private-files.js';
import { SEARCH_FILE } from '../../search/index-file.js';
import { acquireInstanceLock, InstanceLocked, type InstanceLock } from './instance-lock.js';
import {
  ATTACHMENTS_ENTRY,
  DATABASE_ENTRY,
  MANIFEST_FILE,
  PG_DUMP_ENTRY,
  SECRET_ENTRY,
  parseManifest,
  type BackupManifest,
} from './manifest.js';
import { findPgTool, PgToolMissing, runPgTool } from './pg-tools.js';
import { copyRows } from './pg-copy-text.js';

/** A restore that was refused; nothing in the data directory was changed. */
export class RestoreRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefused';
  }
}

export interface RestoreResult {
  manifest: BackupManifest;
  /** Where the replaced database, secret and attachments were moved, or null if there were none. */
  replacedDir: string | null;
}

export interface RestoreOptions {
  /** With database.driver postgres: where pg_restore restores to (an empty database) and backup.postgres_bin. */
  postgres?: { url: string; bin?: string | undefined } | undefined;
}

/**
 * Restores an archive made by createBackup into a stopped instance's data directory (and, for a
 * PostgreSQL backup, into the empty database database.url names). The archive is unpacked and
 * checked (manifest, the database's integrity, known migrations, every attachment file the
 * database refers to) before anything is touched; what it replaces is moved aside, never deleted.
 */
export async function restoreBackup(dataDir: string, archive: string, opts: RestoreOptions = {}): Promise<RestoreResult> {
  if (!existsSync(archive) || !statSync(archive).isFile()) throw new RestoreRefused(`no such backup file: ${archive}`);
  ensurePrivateDir(dataDir);
  let lock: InstanceLock;
  try {
    lock = acquireInstanceLock(dataDir, 'restore');
  } catch (err) {
    if (!(err instanceof InstanceLocked)) throw err;
    const who = err.owner ? ` (${err.owner.purpose}, pid ${err.owner.pid} on ${err.owner.host})` : '';
    throw new RestoreRefused(`Kefu is running on this data directory${who}; stop it before restoring.`);
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const staging = path.join(dataDir, `.restore-${stamp}`);
  try {
    const manifest = await unpackAndCheck(archive, staging, opts);
    // pg_restore runs in one transaction: when it fails the database is as empty as it was and no file has moved.
    if (manifest.database === PG_DUMP_ENTRY && opts.postgres) await restorePostgres(path.join(staging, PG_DUMP_ENTRY), opts.postgres);
    const replacedDir = swapIn(dataDir, staging, path.join(dataDir, `replaced-${stamp}`), manifest);
    return { manifest, replacedDir };
  } finally {
    rmSync(staging, { recursive: true, force: true });
    lock.release();
  }
}

async function unpackAndCheck(archive: string, staging: string, opts: RestoreOptions): Promise<BackupManifest> {
  mkdirSync(staging, { recursive: true, mode: PRIVATE_DIR_MODE });
  const allowed = (p: string): boolean =>
    p === MANIFEST_FILE || p === DATABASE_ENTRY || p === PG_DUMP_ENTRY || p === SECRET_ENTRY || p === ATTACHMENTS_ENTRY ||
    p.startsWith(`${ATTACHMENTS_ENTRY}/`);
  try {
    await extractTar({
      file: archive,
      cwd: staging,
      strict: true,
      preserveOwner: false,
      // Only plain files and folders: a link in a crafted archive could point outside the data directory.
      filter: (p, entry) =>
        allowed(p.replace(/^\.\//, '').replace(/\/$/, '')) &&
        (!('type' in entry) || entry.type === 'File' || entry.type === 'Directory'),
    });
  } catch (err) {
    throw new RestoreRefused(`the backup file cannot be read: ${(err as Error).message}`);
  }
  // tar keeps each entry's own mode (its umask option only fills in missing ones), and archives
  // made before modes were tightened carry 0644/0755 entries.
  restrictTree(staging);
  const manifestFile = path.join(staging, MANIFEST_FILE);
  const manifest = existsSync(manifestFile) ? parseManifest(readFileSync(manifestFile, 'utf8')) : null;
  if (!manifest) throw new RestoreRefused('the file is not a Kefu backup (missing or invalid manifest.json)');
  const dbFile = path.join(staging, manifest.database);
  if (!existsSync(dbFile)) throw new RestoreRefused('the backup holds no database');
  if (manifest.database === PG_DUMP_ENTRY) {
    if (!opts.postgres) {
      throw new RestoreRefused('the backup holds a PostgreSQL database: set database.driver to postgres and database.url to an empty database to restore it');
    }
    const wanted = await checkDump(dbFile, opts.postgres);
    await checkAttachments(wanted, path.join(staging, ATTACHMENTS_ENTRY));
    await checkEmpty(opts.postgres.url);
    return manifest;
  }
  if (opts.postgres) {
    throw new RestoreRefused(
      'the backup holds a SQLite database and this instance uses PostgreSQL: restore it with database.driver sqlite, then move it with kefu migrate-to-postgres',
    );
  }
  checkDatabase(dbFile);
  await checkAttachments(attachmentsIn(dbFile), path.join(staging, ATTACHMENTS_ENTRY));
  return manifest;
}

type WantedFile = { sha256: string; size: number; name: string };

function attachmentsIn(dbFile: string): WantedFile[] {
  const sqlite = new SqliteDatabase(dbFile, { readonly: true, fileMustExist: true });
  try {
    return sqlite
      .prepare('select sha256, max(size) as size, min(name) as name from attachments group by sha256 order by min(id)')
      .all() as WantedFile[];
  } finally {
    sqlite.close();
  }
}

function pgRestore(bin: string | undefined): string {
  try {
    return findPgTool('pg_restore', bin);
  } catch (err) {
    if (err instanceof PgToolMissing) throw new RestoreRefused(err.message);
    throw err;
  }
}

/**
 * The dump must read (pg_restore --list walks its table of contents), be of known migrations, and
 * name the attachments it refers to: read from the dump's own data, as the SQLite check reads its file.
 */
async function checkDump(file: string, postgres: NonNullable<RestoreOptions['postgres']>): Promise<WantedFile[]> {
  const tool = pgRestore(postgres.bin);
  const table = async (name: string) => copyRows(await runPgTool(tool, ['--data-only', `--table=${name}`, '--file=-', file]));
  let migrations: Array<Record<string, string | null>>;
  let attachments: Array<Record<string, string | null>>;
  try {
    await runPgTool(tool, ['--list', file]);
    migrations = await table('kefu_migrations');
    attachments = await table('attachments');
  } catch (err) {
    throw new RestoreRefused(`the backup database cannot be read: ${(err as Error).message}`);
  }
  const unknown = migrations.map((m) => m.name ?? '').filter((name) => !(name in knownMigrations));
  if (unknown.length > 0) throw new RestoreRefused(`the backup comes from a newer Kefu (unknown migrations: ${unknown.join(', ')}); upgrade first`);
  if (migrations.length === 0) throw new RestoreRefused('the backup database holds no Kefu schema');
  // As the SQLite query: per file, its largest recorded size and first name, in the order first stored.
  const byHash = new Map<string, WantedFile & { id: number }>();
  for (const a of attachments) {
    const sha256 = a.sha256 ?? '';
    const row = { sha256, size: Number(a.size), name: a.name ?? '', id: Number(a.id) };
    const seen = byHash.get(sha256);
    if (!seen) byHash.set(sha256, row);
    else byHash.set(sha256, { sha256, size: Math.max(seen.size, row.size), name: seen.name < row.name ? seen.name : row.name, id: Math.min(seen.id, row.id) });
  }
  return [...byHash.values()].sort((a, b) => a.id - b.id).map(({ sha256, size, name }) => ({ sha256, size, name }));
}

/** pg_restore into a database that holds tables would collide with them, or mix two desks. */
async function checkEmpty(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  let tables: number;
  try {
    await client.connect();
    const result = await client.query<{ n: string }>(
      `select count(*) as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'`,
    );
    tables = Number(result.rows[0]?.n ?? 0);
  } catch (err) {
    throw new RestoreRefused(`cannot connect to the database in database.url: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  if (tables > 0) {
    throw new RestoreRefused(
      `the database in database.url is not empty (${tables} tables): restore into a new, empty database (createdb), then point database.url at it`,
    );
  }
}

async function restorePostgres(file: string, postgres: NonNullable<RestoreOptions['postgres']>): Promise<void> {
  try {
    await runPgTool(pgRestore(postgres.bin), ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', file], postgres.url);
  } catch (err) {
    if (err instanceof RestoreRefused) throw err;
    throw new RestoreRefused(`pg_restore failed and the database was left empty: ${(err as Error).message}`);
  }
}

/**
 * Every file the database refers to must be in the archive with the size and hash it was stored
 * under; restoring without them gives downloads that can never work.
 */
async function checkAttachments(wanted: WantedFile[], dir: string): Promise<void> {
  const missing: string[] = [];
  const damaged: string[] = [];
  for (const a of wanted) {
    const file = attachmentPath(dir, a.sha256);
    if (!existsSync(file)) missing.push(a.name);
    else if (statSync(file).size !== a.size || (await sha256Of(file)) !== a.sha256) damaged.push(a.name);
  }
  const sample = (names: string[]): string => names.slice(0, 5).map((n) => `"${n}"`).join(', ') + (names.length > 5 ? ', …' : '');
  if (missing.length > 0) {
    throw new RestoreRefused(
      `${missing.length} attachment file(s) the database refers to are missing from the backup (${sample(missing)}); make a new backup with the attachments folder complete`,
    );
  }
  if (damaged.length > 0) {
    throw new RestoreRefused(`${damaged.length} attachment file(s) in the backup are damaged: their content does not match the database (${sample(damaged)})`);
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function checkDatabase(file: string): void {
  let sqlite: SqliteDatabase.Database | null = null;
  try {
    sqlite = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
    const result = sqlite.pragma('integrity_check') as Array<{ integrity_check: string }>;
    const problems = result.map((r) => r.integrity_check).filter((r) => r !== 'ok');
    if (problems.length > 0) throw new RestoreRefused(`the backup database is damaged: ${problems.slice(0, 3).join('; ')}`);
    const applied = sqlite.prepare('select name from kefu_migrations').pluck().all() as string[];
    const unknown = applied.filter((name) => !(name in knownMigrations));
    if (unknown.length > 0) {
      throw new RestoreRefused(`the backup comes from a newer Kefu (unknown migrations: ${unknown.join(', ')}); upgrade first`);
    }
  } catch (err) {
    if (err instanceof RestoreRefused) throw err;
    throw new RestoreRefused(`the backup database cannot be opened: ${(err as Error).message}`);
  } finally {
    sqlite?.close();
  }
}

/** Renames only: the staging directory sits in the data directory, so each move is atomic. */
function swapIn(dataDir: string, staging: string, asideDir: string, manifest: BackupManifest): string | null {
  const dbFile = databaseFile(dataDir);
  // A PostgreSQL backup went into its database; only the files in the data directory move here.
  const sqliteFiles =
    manifest.database === DATABASE_ENTRY
      ? [
          path.basename(dbFile),
          `${path.basename(dbFile)}-wal`,
          `${path.basename(dbFile)}-shm`,
          // The search index belongs to the replaced database; the restored one gets its own, rebuilt on start.
          SEARCH_FILE,
          `${SEARCH_FILE}-wal`,
          `${SEARCH_FILE}-shm`,
        ]
      : [];
  const live = [
    ...sqliteFiles,
    ATTACHMENTS_ENTRY,
    ...(manifest.hasSecret ? [SECRET_ENTRY] : []),
  ].filter((name) => existsSync(path.join(dataDir, name)));
  if (live.length > 0) mkdirSync(asideDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  for (const name of live) renameSync(path.join(dataDir, name), path.join(asideDir, name));

  if (manifest.database === DATABASE_ENTRY) renameSync(path.join(staging, DATABASE_ENTRY), dbFile);
  const attachments = path.join(staging, ATTACHMENTS_ENTRY);
  if (existsSync(attachments)) renameSync(attachments, path.join(dataDir, ATTACHMENTS_ENTRY));
  else mkdirSync(path.join(dataDir, ATTACHMENTS_ENTRY), { recursive: true, mode: PRIVATE_DIR_MODE });
  if (manifest.hasSecret) renameSync(path.join(staging, SECRET_ENTRY), path.join(dataDir, SECRET_ENTRY));
  return live.length > 0 ? asideDir : null;
}
