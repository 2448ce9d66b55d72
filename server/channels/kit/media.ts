import type { InboundAttachment } from '../../intake/types.js';

/** A file a channel could not keep: listed on its message instead, so the agent knows it was sent. */
export interface SkippedMedia {
  name: string;
  /** bytes, when the provider or the download told us; at least the limit otherwise */
  size: number;
  reason: 'too_large' | 'unavailable';
  /** what the provider said, for an unavailable file (an expired media id, HTTP 404) */
  detail?: string;
}

export type MediaResult =
  | { kind: 'stored'; attachment: InboundAttachment }
  /** `transient`: the provider was down or slow, so the same download may work when it delivers the message again */
  | { kind: 'skipped'; skipped: SkippedMedia; transient: boolean };

export interface MediaRequest {
  url: string;
  filename: string;
  contentType?: string | undefined;
  /** the size the provider announced, if any: a file known to be too big is not fetched at all */
  announcedSize?: number | undefined;
  headers?: Record<string, string> | undefined;
}

const DOWNLOAD_TIMEOUT_MS = 30_000;

export const skippedMedia = (name: string, size: number, reason: SkippedMedia['reason'], detail?: string, transient = false): MediaResult => ({
  kind: 'skipped',
  skipped: { name, size, reason, ...(detail ? { detail } : {}) },
  transient,
});

/** A 5xx or 429 may pass; a 4xx will not. */
const isTransientStatus = (status: number): boolean => status >= 500 || status === 429;

/**
 * Reads a response body up to `maxBytes`: a body declared or found to be larger is cancelled as
 * soon as that is known, so a huge or endless response costs at most `maxBytes` of memory.
 */
export async function readBounded(res: Response, maxBytes: number): Promise<{ kind: 'read'; content: Buffer } | { kind: 'too_large'; size: number }> {
  if (!res.body) return { kind: 'read', content: Buffer.alloc(0) };
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body.cancel().catch(() => undefined);
    return { kind: 'too_large', size: declared };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { kind: 'too_large', size };
    }
    chunks.push(Buffer.from(value));
  }
  return { kind: 'read', content: Buffer.concat(chunks) };
}

/**
 * Fetches a customer's file with a hard cap: a file over `maxBytes` (announced, in Content-Length,
 * or found while reading) is skipped, never a failed intake. A file the provider cannot serve is
 * skipped too; the result says whether trying again later could help.
 */
export async function downloadMedia(req: MediaRequest, maxBytes: number): Promise<MediaResult> {
  const skip = (size: number, reason: SkippedMedia['reason'], detail?: string, transient = false): MediaResult =>
    skippedMedia(req.filename, size, reason, detail, transient);
  if (req.announcedSize !== undefined && req.announcedSize > maxBytes) return skip(req.announcedSize, 'too_large');
  let res: Response;
  try {
    res = await fetch(req.url, { headers: req.headers ?? {}, signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), redirect: 'follow' });
  } catch {
    return skip(req.announcedSize ?? 0, 'unavailable', 'no answer', true);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    return skip(req.announcedSize ?? 0, 'unavailable', `HTTP ${res.status}`, isTransientStatus(res.status));
  }
  let read: Awaited<ReturnType<typeof readBounded>>;
  try {
    read = await readBounded(res, maxBytes);
  } catch {
    return skip(req.announcedSize ?? 0, 'unavailable', 'the download broke off', true);
  }
  if (read.kind === 'too_large') return skip(read.size, 'too_large');
  const contentType = req.contentType ?? res.headers.get('content-type')?.split(';')[0]?.trim() ?? 'application/octet-stream';
  return { kind: 'stored', attachment: { filename: req.filename, contentType, content: read.content } };
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
