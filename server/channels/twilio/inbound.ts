import type { AppContext } from '../../context.js';
import { intake } from '../../intake/intake.js';
import type { InboundAttachment, IntakeResult } from '../../intake/types.js';
import { maxAttachmentBytes } from '../../modules/attachments/service.js';
import { toE164 } from '../phone/e164.js';
import { MediaTooLarge, ProviderRefused } from '../phone/http.js';
import { applyProviderStatus } from '../phone/status.js';
import type { TwilioChannelConfig } from './config-schema.js';
import { downloadTwilioMedia } from './rest-api.js';

const EXTENSIONS: Record<string, string> = { 'image/jpeg': '.jpg', 'image/png': '.png', 'image/gif': '.gif', 'video/mp4': '.mp4', 'audio/mpeg': '.mp3', 'text/vcard': '.vcf' };

async function fetchMms(ctx: AppContext, c: TwilioChannelConfig, params: Record<string, string>): Promise<{ attachments: InboundAttachment[]; notes: string[] }> {
  const count = Math.min(10, Number(params.NumMedia ?? '0') || 0);
  const attachments: InboundAttachment[] = [];
  const notes: string[] = [];
  for (let i = 0; i < count; i++) {
    const url = params[`MediaUrl${i}`];
    if (!url) continue;
    const type = params[`MediaContentType${i}`] ?? 'application/octet-stream';
    const filename = `mms-${i + 1}${EXTENSIONS[type] ?? ''}`;
    try {
      const file = await downloadTwilioMedia(c, url, maxAttachmentBytes(ctx));
      attachments.push({ filename, contentType: type, content: file.content });
    } catch (err) {
      if (err instanceof ProviderRefused) {
        ctx.logger.warn({ channel: c.name, err }, 'mms media could not be downloaded');
        notes.push(`[${filename} could not be downloaded: ${err.message}]`);
        continue;
      }
      if (!(err instanceof MediaTooLarge)) throw err;
      ctx.logger.warn({ channel: c.name, size: err.size }, 'mms media over the attachment limit, skipped');
      notes.push(`[${filename} (${(err.size / 1024 / 1024).toFixed(1)} MB) was not kept: over the ${ctx.config.attachments.max_size_mb} MB attachment limit]`);
    }
  }
  return { attachments, notes };
}

export class NotASmsWebhook extends Error {}

export async function intakeSms(ctx: AppContext, c: TwilioChannelConfig, params: Record<string, string>): Promise<IntakeResult> {
  const sid = params.MessageSid ?? params.SmsMessageSid ?? params.SmsSid;
  if (!sid) throw new NotASmsWebhook('MessageSid is missing');
  const phone = toE164(params.From ?? '');
  if (!phone) throw new NotASmsWebhook('From is not a phone number');
  const { attachments, notes } = await fetchMms(ctx, c, params);
  return intake(ctx, {
    channel: { kind: 'twilio', name: c.name },
    sender: { identity: { kind: 'phone', value: phone }, phone },
    thread: { key: phone },
    text: [params.Body ?? '', ...notes].filter(Boolean).join('\n'),
    attachments,
    idempotencyKey: sid,
    meta: { sms: { to: params.To ?? null, segments: params.NumSegments ?? null, country: params.FromCountry ?? null } },
  });
}

const STATUS: Record<string, 'queued' | 'sent' | 'delivered' | 'read' | 'failed'> = {
  queued: 'queued',
  accepted: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  undelivered: 'failed',
  failed: 'failed',
};

export async function applySmsStatus(ctx: AppContext, c: TwilioChannelConfig, params: Record<string, string>): Promise<void> {
  const sid = params.MessageSid ?? params.SmsSid;
  const status = STATUS[params.MessageStatus ?? params.SmsStatus ?? ''];
  if (!sid || !status || status === 'queued') return;
  const error = params.ErrorCode ? `${params.MessageStatus ?? 'failed'}: error ${params.ErrorCode}${params.ErrorMessage ? ` ${params.ErrorMessage}` : ''}` : (params.MessageStatus ?? null);
  await applyProviderStatus(ctx, { kind: 'twilio', name: c.name }, sid, status, error);
}
