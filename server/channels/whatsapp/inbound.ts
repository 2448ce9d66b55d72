import type { AppContext } from '../../context.js';
import type { InboundAttachment, InboundMessage, IntakeResult } from '../../intake/types.js';
import { maxAttachmentBytes } from '../../modules/attachments/service.js';
import { commitInbound } from '../kit/commit.js';
import { downloadMedia, skippedMedia, splitMedia, type MediaResult, type SkippedMedia } from '../kit/media.js';
import { toE164 } from '../kit/phone.js';
import { ProviderRefused } from '../phone/http.js';
import { applyProviderStatus } from '../phone/status.js';
import type { WhatsAppChannelConfig } from './config-schema.js';
import { graphAuth, mediaInfo } from './graph-api.js';
import { mediaOf, textOf, type WaChange, type WaMessage, type WaStatus } from './payload.js';

const EXTENSIONS: Record<string, string> = { 'image/jpeg': '.jpg', 'image/png': '.png', 'image/webp': '.webp', 'audio/ogg': '.ogg', 'audio/mpeg': '.mp3', 'video/mp4': '.mp4', 'application/pdf': '.pdf' };

/**
 * Fetches a message's media now: WhatsApp's ids expire, and its URLs within minutes. A file too
 * big or gone is listed as skipped; an outage throws, so the webhook fails and WhatsApp delivers
 * the message again later.
 */
async function fetchMedia(ctx: AppContext, channel: WhatsAppChannelConfig, m: WaMessage): Promise<{ attachments: InboundAttachment[]; skipped: SkippedMedia[] }> {
  const media = mediaOf(m);
  if (!media) return { attachments: [], skipped: [] };
  const type = media.mime_type ?? 'application/octet-stream';
  const filename = media.filename ?? `${m.type}-${media.id}${EXTENSIONS[type.split(';')[0] ?? ''] ?? ''}`;
  let result: MediaResult;
  try {
    const info = await mediaInfo(channel, media.id);
    const request = { url: info.url, filename, contentType: media.mime_type ?? info.mimeType, announcedSize: info.size ?? undefined, headers: graphAuth(channel) };
    result = await downloadMedia(request, maxAttachmentBytes(ctx));
  } catch (err) {
    // An expired media id will not come back on WhatsApp's retry either: keep the message, say what is missing.
    if (!(err instanceof ProviderRefused)) throw err;
    result = skippedMedia(filename, 0, 'unavailable', err.message);
  }
  if (result.kind === 'skipped') {
    if (result.transient) throw new Error(`whatsapp media ${filename} unavailable for now: ${result.skipped.detail ?? 'no answer'}`);
    ctx.logger.warn({ channel: channel.name, file: result.skipped }, 'whatsapp media skipped');
  }
  return splitMedia([result]);
}

export async function intakeWhatsAppMessage(ctx: AppContext, channel: WhatsAppChannelConfig, m: WaMessage, names: Map<string, string>): Promise<IntakeResult> {
  const phone = toE164(m.from);
  if (!phone) throw new Error(`whatsapp sender ${m.from} is not a phone number`);
  const { attachments, skipped } = await fetchMedia(ctx, channel, m);
  const seconds = Number(m.timestamp);
  const message: InboundMessage = {
    channel: { kind: 'whatsapp', name: channel.name },
    sender: {
      identity: { kind: 'phone', value: phone },
      name: names.get(m.from),
      phone,
      alsoKnownAs: [{ kind: 'whatsapp', value: m.from }],
    },
    // One ticket per customer number while it is open; the number is also where replies go.
    thread: { key: phone },
    text: textOf(m),
    attachments,
    idempotencyKey: m.id,
    receivedAt: Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, Date.now()) : undefined,
    meta: { whatsapp: { type: m.type, from: m.from } },
  };
  return commitInbound(ctx, message, skipped);
}

const STATUS: Record<string, 'sent' | 'delivered' | 'read' | 'failed'> = { sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed' };

function statusError(s: WaStatus): string | null {
  const e = s.errors?.[0];
  if (!e) return null;
  const details = e.error_data?.details ?? e.message;
  return [e.title, details].filter(Boolean).join(': ') + (e.code !== undefined ? ` (${e.code})` : '');
}

/** Every message and status of one webhook POST; resolves once all are committed. */
export async function handleChanges(ctx: AppContext, channel: WhatsAppChannelConfig, changes: WaChange[]): Promise<void> {
  for (const change of changes) {
    for (const m of change.messages) {
      // Acknowledged and logged, not refused: a refusal would only make WhatsApp send it again for days.
      if (!toE164(m.from)) ctx.logger.warn({ channel: channel.name, from: m.from }, 'whatsapp message from a sender that is not a phone number, skipped');
      else await intakeWhatsAppMessage(ctx, channel, m, change.names);
    }
    for (const s of change.statuses) {
      const status = STATUS[s.status];
      if (status) await applyProviderStatus(ctx, { kind: 'whatsapp', name: channel.name }, s.id, status, statusError(s));
    }
  }
}
