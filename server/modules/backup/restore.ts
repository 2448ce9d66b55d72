import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
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
  SECRET_ENTRY,
  parseManifest,
  type BackupManifest,
} from './manifest.js';

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

/**
 * Restores an archive made by createBackup into a stopped instance's data directory.
 * The archive is unpacked and checked (manifest, SQLite integrity_check, known migrations,
 * every attachment file the database refers to)
 * before anything is touched; what it replaces is moved aside, never deleted.
 */
export async function restoreBackup(dataDir: string, archive: string): Promise<RestoreResult> {
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
    const manifest = await unpackAndCheck(archive, staging);
    const replacedDir = swapIn(dataDir, staging, path.join(dataDir, `replaced-${stamp}`), manifest);
    return { manifest, replacedDir };
  } finally {
    rmSync(staging, { recursive: true, force: true });
    lock.release();
  }
}

async function unpackAndCheck(archive: string, staging: string): Promise<BackupManifest> {
  mkdirSync(staging, { recursive: true, mode: PRIVATE_DIR_MODE });
  const allowed = (p: string): boolean =>
    p === MANIFEST_FILE || p === DATABASE_ENTRY || p === SECRET_ENTRY || p === ATTACHMENTS_ENTRY ||
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
  const dbFile = path.join(staging, DATABASE_ENTRY);
  if (!existsSync(dbFile)) throw new RestoreRefused('the backup holds no database');
  checkDatabase(dbFile);
  await checkAttachments(dbFile, path.join(staging, ATTACHMENTS_ENTRY));
  return manifest;
}

/**
 * Every file the database refers to must be in the archive with the size and hash it was stored
 * under; restoring without them gives downloads that can never work.
 */
async function checkAttachments(dbFile: string, dir: string): Promise<void> {
  const sqlite = new SqliteDatabase(dbFile, { readonly: true, fileMustExist: true });
  let wanted: Array<{ sha256: string; size: number; name: string }>;
  try {
    wanted = sqlite
      .prepare('select sha256, max(size) as size, min(name) as name from attachments group by sha256 order by min(id)')
      .all() as typeof wanted;
  } finally {
    sqlite.close();
  }
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
  const live = [
    path.basename(dbFile),
    `${path.basename(dbFile)}-wal`,
    `${path.basename(dbFile)}-shm`,
    // The search index belongs to the replaced database; the restored one gets its own, rebuilt on start.
    SEARCH_FILE,
    `${SEARCH_FILE}-wal`,
    `${SEARCH_FILE}-shm`,
    ATTACHMENTS_ENTRY,
    ...(manifest.hasSecret ? [SECRET_ENTRY] : []),
  ].filter((name) => existsSync(path.join(dataDir, name)));
  if (live.length > 0) mkdirSync(asideDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  for (const name of live) renameSync(path.join(dataDir, name), path.join(asideDir, name));

  renameSync(path.join(staging, DATABASE_ENTRY), dbFile);
  const attachments = path.join(staging, ATTACHMENTS_ENTRY);
  if (existsSync(attachments)) renameSync(attachments, path.join(dataDir, ATTACHMENTS_ENTRY));
  else mkdirSync(path.join(dataDir, ATTACHMENTS_ENTRY), { recursive: true, mode: PRIVATE_DIR_MODE });
  if (manifest.hasSecret) renameSync(path.join(staging, SECRET_ENTRY), path.join(dataDir, SECRET_ENTRY));
  return live.length > 0 ? asideDir : null;
}
