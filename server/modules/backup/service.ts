import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { create as createTar } from 'tar';
import { sql } from 'kysely';
import type { AnyDatabase } from '../../db/postgres.js';
import type { Logger } from '../../logger.js';
import { ensurePrivateDir, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, restrictMode } from '../../private-files.js';
import {
  ATTACHMENTS_ENTRY,
  BACKUP_NAME,
  DATABASE_ENTRY,
  MANIFEST_FILE,
  PG_DUMP_ENTRY,
  SECRET_ENTRY,
  type BackupManifest,
} from './manifest.js';
import { findPgTool, runPgTool } from './pg-tools.js';

export interface BackupTarget {
  database: AnyDatabase;
  /** On PostgreSQL: database.url (with its password, handed to pg_dump in its environment) and backup.postgres_bin. */
  postgres?: { url: string; bin?: string | undefined } | undefined;
  paths: { data: string; backups: string; attachments: string };
  /** How many archives to keep in the backups directory; older ones are deleted. */
  keep: number;
  logger: Logger;
}

export interface BackupResult {
  file: string;
  bytes: number;
  manifest: BackupManifest;
  pruned: string[];
}

/**
 * Writes one .tar.gz holding a consistent copy of the database (SQLite's online backup API, or
 * pg_dump's snapshot on PostgreSQL: both safe while the server writes), the instance secret and
 * every attachment.
 */
export async function createBackup(target: BackupTarget): Promise<BackupResult> {
  const { paths, logger } = target;
  ensurePrivateDir(paths.backups);
  const createdAt = Date.now();
  const file = freeName(paths.backups, createdAt);
  const staging = path.join(paths.backups, `.staging-${path.basename(file, '.tar.gz')}`);
  const partial = `${file}.partial`;
  mkdirSync(staging, { recursive: true, mode: PRIVATE_DIR_MODE });
  try {
    const entry = await copyDatabase(target, staging);
    const manifest = await stage(target, staging, createdAt, entry);
    const entries = [MANIFEST_FILE, entry, ATTACHMENTS_ENTRY];
    if (manifest.hasSecret) entries.push(SECRET_ENTRY);
    // The staged attachments entry is a symlink to the live directory; follow packs its contents.
    // The archive holds secret.key and the whole database.
    await createTar(
      { gzip: true, file: partial, cwd: staging, follow: true, portable: true, mode: PRIVATE_FILE_MODE },
      entries,
    );
    restrictMode(partial, PRIVATE_FILE_MODE);
    renameSync(partial, file);
    const bytes = statSync(file).size;
    const pruned = pruneBackups(paths.backups, target.keep);
    logger.info({ file, bytes, attachments: manifest.attachments, pruned: pruned.length }, 'backup written');
    return { file, bytes, manifest, pruned };
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(partial, { force: true });
  }
}

/** The database's copy in the staging directory; returns its entry name. */
async function copyDatabase(target: BackupTarget, staging: string): Promise<BackupManifest['database']> {
  if (target.database.driver === 'sqlite') {
    await target.database.sqlite.backup(path.join(staging, DATABASE_ENTRY));
    return DATABASE_ENTRY;
  }
  if (!target.postgres) throw new Error('a PostgreSQL backup needs database.url');
  // Custom format: compressed, and pg_restore can check it and read single tables from it.
  const pgDump = findPgTool('pg_dump', target.postgres.bin);
  await runPgTool(pgDump, ['--format=custom', '--no-owner', '--no-privileges', `--file=${path.join(staging, PG_DUMP_ENTRY)}`], target.postgres.url);
  restrictMode(path.join(staging, PG_DUMP_ENTRY), PRIVATE_FILE_MODE);
  return PG_DUMP_ENTRY;
}

async function stage(target: BackupTarget, staging: string, createdAt: number, entry: BackupManifest['database']): Promise<BackupManifest> {
  const migrations = (await sql<{ name: string }>`select name from kefu_migrations order by name`.execute(target.database.db)).rows.map((r) => r.name);
  const secret = path.join(target.paths.data, SECRET_ENTRY);
  const hasSecret = existsSync(secret);
  if (hasSecret) copyFileSync(secret, path.join(staging, SECRET_ENTRY));
  mkdirSync(target.paths.attachments, { recursive: true, mode: PRIVATE_DIR_MODE });
  symlinkSync(path.resolve(target.paths.attachments), path.join(staging, ATTACHMENTS_ENTRY), 'dir');
  const manifest: BackupManifest = {
    format: 'kefu-backup',
    version: 1,
    createdAt,
    database: entry,
    migrations,
    attachments: countFiles(target.paths.attachments),
    hasSecret,
  };
  writeFileSync(path.join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  return manifest;
}

export interface BackupFile {
  file: string;
  name: string;
  bytes: number;
  modifiedAt: number;
}

/** Finished archives, newest first. */
export function listBackups(dir: string): BackupFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => BACKUP_NAME.test(name))
    .sort()
    .reverse()
    .map((name) => {
      const file = path.join(dir, name);
      const st = statSync(file);
      return { file, name, bytes: st.size, modifiedAt: st.mtimeMs };
    });
}

/** Deletes all but the newest `keep` archives; returns the deleted paths. */
export function pruneBackups(dir: string, keep: number): string[] {
  const old = listBackups(dir).slice(Math.max(keep, 1));
  for (const b of old) rmSync(b.file, { force: true });
  return old.map((b) => b.file);
}

function freeName(dir: string, at: number): string {
  const stamp = new Date(at).toISOString().replace(/[:.]/g, '-');
  let file = path.join(dir, `kefu-backup-${stamp}.tar.gz`);
  for (let n = 1; existsSync(file); n++) file = path.join(dir, `kefu-backup-${stamp}-${n}.tar.gz`);
  return file;
}

function countFiles(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) if (entry.isFile()) n++;
  return n;
}
