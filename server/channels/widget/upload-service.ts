import { randomToken } from '../../crypto.js';
import { now } from '../../db/database.js';
import { BadRequest, PayloadTooLarge } from '../../http/errors.js';
import { storeBuffer } from '../../modules/attachments/storage.js';
import type { WidgetChannelConfig } from './config-schema.js';
import type { VisitorRow } from './queries.js';
import type { WidgetRuntime } from './runtime.js';
import { contentMatchesType } from './sniff.js';
import { checkUploadBudget } from './upload-budget.js';

export interface UploadInput {
  filename: string;
  contentType: string;
  content: Buffer;
  /** the multipart reader stopped at the size limit */
  truncated: boolean;
}

export interface UploadView {
  id: string;
  name: string;
  contentType: string;
  size: number;
}

/** Keeps a file for the visitor's next message, after checking its size and that its bytes match its type. */
export async function acceptUpload(
  rt: WidgetRuntime,
  ch: WidgetChannelConfig,
  visitor: VisitorRow,
  input: UploadInput,
  ip: string,
): Promise<UploadView> {
  const maxBytes = Math.floor(ch.max_upload_mb * 1024 * 1024);
  if (input.truncated || input.content.length > maxBytes) {
    throw new PayloadTooLarge(`Files are limited to ${ch.max_upload_mb} MB.`);
  }
  const contentType = input.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!ch.upload_types.includes(contentType)) {
    throw new BadRequest('This type of file is not accepted.', { field: 'file', accepted: ch.upload_types }, 'file_type_not_allowed');
  }
  if (input.content.length === 0 || !contentMatchesType(input.content, contentType)) {
    throw new BadRequest('The file content does not match its type.', { field: 'file' }, 'file_content_mismatch');
  }
  await rt.limit(ch, 'uploads', visitor.id);
  // One at a time per IP, so parallel uploads cannot all pass the budget check before any is counted.
  return rt.serial(`upload-ip:${ip}`, async () => {
    await checkUploadBudget(rt.ctx.db, ch, rt.ctx.paths.data, { visitorId: visitor.id, ip }, input.content.length, now());
    return storeUpload(rt, visitor, input, contentType, ip);
  });
}

async function storeUpload(rt: WidgetRuntime, visitor: VisitorRow, input: UploadInput, contentType: string, ip: string): Promise<UploadView> {
  const stored = storeBuffer(rt.ctx.paths.attachments, input.content);
  const view: UploadView = {
    id: `u_${randomToken(12)}`,
    name: cleanName(input.filename),
    contentType,
    size: stored.size,
  };
  await rt.ctx.db
    .insertInto('widget_uploads')
    .values({
      id: view.id,
      visitor_id: visitor.id,
      name: view.name,
      content_type: contentType,
      size: stored.size,
      sha256: stored.sha256,
      ip,
      created_at: now(),
    })
    .execute();
  return view;
}

function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f"<>]/g, '').trim().slice(0, 200);
  return clean || 'file';
}
