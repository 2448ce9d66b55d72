import type { AppContext } from '../../context.js';
import { intake } from '../../intake/intake.js';
import type { InboundAttachment, InboundMessage, IntakeResult } from '../../intake/types.js';
import { maxAttachmentBytes } from '../../modules/attachments/service.js';
import { toE164 } from '../phone/e164.js';
import { MediaTooLarge, ProviderRefused } from '../phone/http.js';
import { applyProviderStatus } from '../phone/status.js';
import type { WhatsAppChannelConfig } from './config-schema.js';
import { downloadMedia, mediaInfo } from './graph-api.js';
import { mediaOf, textOf, type WaChange, type WaMessage, type WaStatus } from './payload.js';

const EXTENSIONS: Record<string, string> = { 'image/jpeg': '.jpg', 'image/png': '.png', 'image/webp': '.webp', 'audio/ogg': '.ogg', 'audio/mpeg': '.mp3', 'video/mp4': '.mp4', 'application/pdf': '.pdf' };

/** Fetches a message's media now: WhatsApp's ids expire, and its URLs within minutes. Too big: a note instead. */
async function fetchMedia(ctx: AppContext, channel: WhatsAppChannelConfig, m: WaMessage): Promise<{ attachments: InboundAttachment[]; note: string | null }> {
  const media = mediaOf(m);
  if (!media) return { attachments: [], note: null };
  const type = media.mime_type ?? 'application/octet-stream';
  const filename = media.filename ?? `${m.type}-${media.id}${EXTENSIONS[type.split(';')[0] ?? ''] ?? ''}`;
  const limit = maxAttachmentBytes(ctx);
  try {
    const info = await mediaInfo(channel, media.id);
    if (info.size !== null && info.size > limit) throw new MediaTooLarge(info.size);
    const file = await downloadMedia(channel, info.url, limit);
    return { attachments: [{ filename, contentType: media.mime_type ?? info.mimeType, content: file.content }], note: null };
  } catch (err) {
    // A refused download (an expired media id) will not succeed on WhatsApp's retry either: keep the message, say what is missing.
    if (err instanceof ProviderRefused) {
      ctx.logger.warn({ channel: channel.name, err }, 'whatsapp media could not be downloaded');
      return { attachments: [], note: `[${filename} could not be downloaded: ${err.message}]` };
    }
    if (!(err instanceof MediaTooLarge)) throw err;
    ctx.logger.warn({ channel: channel.name, size: err.size }, 'whatsapp media over the attachment limit, skipped');
    const mb = (err.size / 1024 / 1024).toFixed(1);
    return { attachments: [], note: `[${filename} (${mb} MB) was not kept: over the ${ctx.config.attachments.max_size_mb} MB attachment limit]` };
  }
}

export async function intakeWhatsAppMessage(ctx: AppContext, channel: WhatsAppChannelConfig, m: WaMessage, names: Map<string, string>): Promise<IntakeResult> {
  const phone = toE164(m.from);
  if (!phone) throw new Error(`whatsapp sender ${m.from} is not a phone number`);
  const { attachments, note } = await fetchMedia(ctx, channel, m);
  const text = [textOf(m), note].filter(Boolean).join('\n');
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
    text,
    attachments,
    idempotencyKey: m.id,
    receivedAt: Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, Date.now()) : undefined,
    meta: { whatsapp: { type: m.type, from: m.from } },
  };
  return intake(ctx, message);
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
