import type { AppContext } from '../../context.js';
import type { InboundMessage, IntakeResult } from '../../intake/types.js';
import { maxAttachmentBytes } from '../../modules/attachments/service.js';
import { commitInbound } from '../kit/commit.js';
import { downloadMedia, splitMedia, type MediaResult } from '../kit/media.js';
import { toE164 } from '../kit/phone.js';
import { applyProviderStatus } from '../phone/status.js';
import type { TwilioChannelConfig } from './config-schema.js';
import { basicAuth } from './rest-api.js';

const EXTENSIONS: Record<string, string> = { 'image/jpeg': '.jpg', 'image/png': '.png', 'image/gif': '.gif', 'video/mp4': '.mp4', 'audio/mpeg': '.mp3', 'text/vcard': '.vcf' };

/** An MMS's files; one too big or gone is listed as skipped, an outage fails the webhook so Twilio tries again. */
async function fetchMms(ctx: AppContext, c: TwilioChannelConfig, params: Record<string, string>): Promise<MediaResult[]> {
  const count = Math.min(10, Number(params.NumMedia ?? '0') || 0);
  const results: MediaResult[] = [];
  for (let i = 0; i < count; i++) {
    const url = params[`MediaUrl${i}`];
    if (!url) continue;
    const type = params[`MediaContentType${i}`] ?? 'application/octet-stream';
    const filename = `mms-${i + 1}${EXTENSIONS[type] ?? ''}`;
    const result = await downloadMedia({ url, filename, contentType: type, headers: basicAuth(c) }, maxAttachmentBytes(ctx));
    if (result.kind === 'skipped') {
      if (result.transient) throw new Error(`mms media ${filename} unavailable for now: ${result.skipped.detail ?? 'no answer'}`);
      ctx.logger.warn({ channel: c.name, file: result.skipped }, 'mms media skipped');
    }
    results.push(result);
  }
  return results;
}

export class NotASmsWebhook extends Error {}

export async function intakeSms(ctx: AppContext, c: TwilioChannelConfig, params: Record<string, string>): Promise<IntakeResult> {
  const sid = params.MessageSid ?? params.SmsMessageSid ?? params.SmsSid;
  if (!sid) throw new NotASmsWebhook('MessageSid is missing');
  const phone = toE164(params.From ?? '');
  if (!phone) throw new NotASmsWebhook('From is not a phone number');
  const { attachments, skipped } = splitMedia(await fetchMms(ctx, c, params));
  const message: InboundMessage = {
    channel: { kind: 'twilio', name: c.name },
    sender: { identity: { kind: 'phone', value: phone }, phone },
    thread: { key: phone },
    text: params.Body ?? '',
    attachments,
    idempotencyKey: sid,
    meta: { sms: { to: params.To ?? null, segments: params.NumSegments ?? null, country: params.FromCountry ?? null } },
  };
  return commitInbound(ctx, message, skipped);
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
