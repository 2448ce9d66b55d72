import type { InboundAttachment } from '../../intake/types.js';

/** A file a channel could not keep: listed on its message instead, so the agent knows it was sent. */
export interface SkippedMedia {
  name: string;
  /** bytes, when the provider or the download told us; at least the limit otherwise */
  size: number;
  reason: 'too_large' | 'unavailable';
}

export type MediaResult = { kind: 'stored'; attachment: InboundAttachment } | { kind: 'skipped'; skipped: SkippedMedia };

export interface MediaRequest {
  url: string;
  filename: string;
  contentType?: string | undefined;
  /** the size the provider announced, if any: a file known to be too big is not fetched at all */
  announcedSize?: number | undefined;
  headers?: Record<string, string> | undefined;
}

const DOWNLOAD_TIMEOUT_MS = 30_000;

/**
 * Fetches a customer's file with a hard cap: a file over `maxBytes` (announced, in Content-Length,
 * or found while reading) is skipped, never a failed intake; reading stops at the cap, so a huge
 * or endless response costs at most `maxBytes` of memory.
 */
export async function downloadMedia(req: MediaRequest, maxBytes: number): Promise<MediaResult> {
  const skip = (size: number, reason: SkippedMedia['reason']): MediaResult => ({ kind: 'skipped', skipped: { name: req.filename, size, reason } });
  if (req.announcedSize !== undefined && req.announcedSize > maxBytes) return skip(req.announcedSize, 'too_large');
  let res: Response;
  try {
    res = await fetch(req.url, { headers: req.headers ?? {}, signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), redirect: 'follow' });
  } catch {
    return skip(req.announcedSize ?? 0, 'unavailable');
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    return skip(req.announcedSize ?? 0, 'unavailable');
  }
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body.cancel().catch(() => undefined);
    return skip(declared, 'too_large');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return skip(size, 'too_large');
      }
      chunks.push(Buffer.from(value));
    }
  } catch {
    return skip(req.announcedSize ?? size, 'unavailable');
  }
  const contentType = req.contentType ?? res.headers.get('content-type')?.split(';')[0]?.trim() ?? 'application/octet-stream';
  return { kind: 'stored', attachment: { filename: req.filename, contentType, content: Buffer.concat(chunks) } };
}

/** Splits download results into what intake stores and what the message lists as skipped. */
export function splitMedia(results: MediaResult[]): { attachments: InboundAttachment[]; skipped: SkippedMedia[] } {
  const attachments: InboundAttachment[] = [];
  const skipped: SkippedMedia[] = [];
  for (const r of results) {
    if (r.kind === 'stored') attachments.push(r.attachment);
    else skipped.push(r.skipped);
  }
  return { attachments, skipped };
}
