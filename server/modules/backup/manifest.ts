/** The first entry of every backup archive: what it holds and which schema the database is at. */
export interface BackupManifest {
  format: 'kefu-backup';
  version: 1;
  createdAt: number;
  /** the database entry: SQLite's file, or PostgreSQL's pg_dump in its custom format */
  database: typeof DATABASE_ENTRY | typeof PG_DUMP_ENTRY;
  /** Migration names applied to the database when it was copied. */
  migrations: string[];
  attachments: number;
  hasSecret: boolean;
}

export const MANIFEST_FILE = 'manifest.json';
export const DATABASE_ENTRY = 'kefu.sqlite';
export const PG_DUMP_ENTRY = 'kefu.pgdump';
export const SECRET_ENTRY = 'secret.key';
export const ATTACHMENTS_ENTRY = 'attachments';

export const BACKUP_NAME = /^kefu-backup-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z(-\d+)?\.tar\.gz$/;

export function parseManifest(text: string): BackupManifest | null {
  try {
    const m = JSON.parse(text) as Partial<BackupManifest>;
    if (m.format !== 'kefu-backup' || m.version !== 1 || (m.database !== DATABASE_ENTRY && m.database !== PG_DUMP_ENTRY)) return null;
    if (!Array.isArray(m.migrations) || !m.migrations.every((x) => typeof x === 'string')) return null;
    return {
      format: m.format,
      version: m.version,
      createdAt: Number(m.createdAt ?? 0),
      database: m.database,
      migrations: m.migrations,
      attachments: Number(m.attachments ?? 0),
      hasSecret: m.hasSecret === true,
    };
  } catch {
    return null;
  }
}
