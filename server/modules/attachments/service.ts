import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { AppContext } from '../../context.js';
import { now, type DbOrTx } from '../../db/database.js';
import { AppError, NotFound } from '../../http/errors.js';
import type { InboundAttachment } from '../../intake/types.js';
import type { Job } from '../../jobs/scheduler.js';
import { canSeeTicket, ticketAccess, type Viewer } from '../tickets/policy.js';
import { findAttachment, insertAttachment, ticketsOfAttachment, unreferencedHashes, type AttachmentRow } from './queries.js';
import { attachmentPath, removeFile, storeBuffer, storeStream } from './storage.js';

/**
 * The row is there but its file is not (a restore from an incomplete archive, a hand-cleaned
 * folder): said plainly, and 404 because retrying will not bring it back.
 */
export class AttachmentFileMissing extends AppError {
  constructor(name: string) {
    super(404, 'attachment_file_missing', `The file "${name}" is missing from the attachment storage; restore it from a backup.`);
  }
}

export const maxAttachmentBytes = (ctx: AppContext): number =>
  Math.floor(ctx.config.attachments.max_size_mb * 1024 * 1024);

/** A name safe to put in a path segment and a Content-Disposition header. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 200);
  return clean === '' || clean === '.' || clean === '..' ? 'file' : clean;
}

const cleanType = (type: string): string =>
  /^[\w.+-]+\/[\w.+-]+$/.test(type.trim()) ? type.trim().toLowerCase() : 'application/octet-stream';

/** An agent's upload, held for a reply; over the limit it throws PayloadTooLarge and stores nothing. */
export async function uploadAttachment(
  ctx: AppContext,
  viewer: Viewer,
  file: { name: string; contentType: string; stream: Readable },
): Promise<AttachmentRow> {
  const stored = await storeStream(ctx.paths.attachments, file.stream, maxAttachmentBytes(ctx));
  return insertAttachment(ctx.db, {
    sha256: stored.sha256,
    name: cleanFileName(file.name),
    content_type: cleanType(file.contentType),
    size: stored.size,
    content_id: null,
    uploaded_by: viewer.id,
    created_at: now(),
  });
}

export interface SavedInbound {
  rows: AttachmentRow[];
  /** Over the size limit: not stored, listed in the message's meta instead. */
  skipped: Array<{ name: string; size: number }>;
}

/** Files are written before the rows; a rollback leaves at worst an unreferenced file, never a dangling row. */
export async function saveInboundAttachments(
  ctx: AppContext,
  db: DbOrTx,
  attachments: InboundAttachment[],
): Promise<SavedInbound> {
  const limit = maxAttachmentBytes(ctx);
  const result: SavedInbound = { rows: [], skipped: [] };
  for (const a of attachments) {
    const name = cleanFileName(a.filename);
    const size = a.stored?.size ?? a.content.length;
    if (size > limit) {
      result.skipped.push({ name, size });
      continue;
    }
    const stored = a.stored ?? storeBuffer(ctx.paths.attachments, a.content);
    const row = await insertAttachment(db, {
      sha256: stored.sha256,
      name,
      content_type: cleanType(a.contentType),
      size: stored.size,
      content_id: a.contentId ?? null,
      inline: a.inline ? 1 : 0,
      uploaded_by: null,
      created_at: now(),
    });
    result.rows.push(row);
  }
  return result;
}

/**
 * The file behind a download link. Visible to whoever may see a ticket it is attached to,
 * or to its uploader before it is sent; anyone else gets 404.
 */
export async function openAttachment(
  ctx: AppContext,
  viewer: Viewer,
  id: number,
  name: string,
): Promise<{ row: AttachmentRow; file: string }> {
  const row = await findAttachment(ctx.db, id);
  if (!row || row.name !== name) throw new NotFound('attachment');
  const tickets = await ticketsOfAttachment(ctx.db, id);
  let allowed = tickets.length === 0 && (row.uploaded_by === viewer.id || viewer.role === 'admin');
  if (!allowed && tickets.length > 0) {
    const access = await ticketAccess(ctx, viewer);
    allowed = tickets.some((t) => canSeeTicket(access, t));
  }
  if (!allowed) throw new NotFound('attachment');
  const file = attachmentPath(ctx.paths.attachments, row.sha256);
  if (!existsSync(file)) throw new AttachmentFileMissing(row.name);
  return { row, file };
}

/** After a commit that deleted attachment rows: removes the files nothing points at any more. */
export async function removeOrphanFiles(ctx: AppContext, hashes: string[]): Promise<void> {
  for (const sha of await unreferencedHashes(ctx.db, hashes)) removeFile(ctx.paths.attachments, sha);
}

/**
 * Uploads never sent with a message (a discarded draft) are deleted after `maxAgeMs`, files too
 * unless another row shares the content.
 */
export async function removeStaleUploads(ctx: AppContext, maxAgeMs = 24 * 3_600_000, at: number = now()): Promise<number> {
  const stale = await ctx.db
    .selectFrom('attachments')
    .select(['id', 'sha256'])
    .where('created_at', '<', at - maxAgeMs)
    .where('uploaded_by', 'is not', null)
    .where('id', 'not in', (eb) => eb.selectFrom('message_attachments').select('attachment_id'))
    // Images of knowledge base articles are uploads too, kept as long as an article shows them.
    .where('id', 'not in', (eb) => eb.selectFrom('kb_article_attachments').select('attachment_id'))
    .limit(1000)
    .execute();
  if (stale.length === 0) return 0;
  await ctx.db.deleteFrom('attachments').where('id', 'in', stale.map((s) => s.id)).execute();
  await removeOrphanFiles(ctx, stale.map((s) => s.sha256));
  return stale.length;
}

/** Hourly: drafts rarely live long, and nothing waits on this. */
export function staleUploadsJob(ctx: AppContext): Job {
  return {
    name: 'stale-uploads',
    schedule: '17 * * * *',
    run: async () => {
      const removed = await removeStaleUploads(ctx);
      if (removed > 0) ctx.logger.info({ removed }, 'removed unsent uploads');
    },
  };
}
