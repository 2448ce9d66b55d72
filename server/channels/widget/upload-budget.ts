import { statfsSync } from 'node:fs';
import { AppError } from '../../http/errors.js';
import type { DbOrTx } from '../../db/database.js';
import type { WidgetChannelConfig } from './config-schema.js';

const MB = 1024 * 1024;

export class UploadBudgetExceeded extends AppError {
  constructor(message: string) {
    super(413, 'upload_budget_exceeded', message);
  }
}

export class StorageFull extends AppError {
  constructor() {
    super(507, 'storage_full', 'Files cannot be accepted right now.');
  }
}

export const unsentTtlMs = (ch: WidgetChannelConfig): number => ch.unsent_upload_minutes * 60_000;

/** Free bytes for an unprivileged writer on the disk that holds `dir`; Infinity when it cannot be read. */
export function freeBytes(dir: string): number {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

async function unsentBytes(db: DbOrTx, column: 'visitor_id' | 'ip', key: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('widget_uploads')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('size'), eb.val(0)).as('bytes'))
    .where(column, '=', key)
    .where('created_at', '>=', since)
    .executeTakeFirst();
  return Number(row?.bytes ?? 0);
}

/**
 * Anonymous uploads cost disk until they are sent or expire: each visitor and each IP may hold only so
 * many unsent bytes, and nothing is taken while the disk is nearly full.
 */
export async function checkUploadBudget(
  db: DbOrTx,
  ch: WidgetChannelConfig,
  dataDir: string,
  who: { visitorId: string; ip: string },
  size: number,
  at: number,
): Promise<void> {
  if (freeBytes(dataDir) - size < ch.min_free_disk_mb * MB) throw new StorageFull();
  const since = at - unsentTtlMs(ch);
  if ((await unsentBytes(db, 'visitor_id', who.visitorId, since)) + size > ch.unsent_upload_mb_per_visitor * MB) {
    throw new UploadBudgetExceeded('Send or remove the files you attached before adding more.');
  }
  if ((await unsentBytes(db, 'ip', who.ip, since)) + size > ch.unsent_upload_mb_per_ip * MB) {
    throw new UploadBudgetExceeded('Too many files waiting to be sent from this network.');
  }
}
