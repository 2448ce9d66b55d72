import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { AppContext } from '../../context.js';
import { BadRequest } from '../../http/errors.js';
import type { Identity, InboundMessage, IntakeResult } from '../../intake/types.js';
import { maxAttachmentBytes } from '../../modules/attachments/service.js';
import { alreadyStored, commitInbound } from '../kit/commit.js';
import { downloadMedia, splitMedia } from '../kit/media.js';
import { toE164 } from '../kit/phone.js';
import type { ApiChannelConfig } from './config-schema.js';
import { ApiInboundSchema, type ApiInbound } from './schemas.js';

const check = TypeCompiler.Compile(ApiInboundSchema);

/** The first thing wrong with the body, said with its field, or null when it is fine. */
function problemOf(body: unknown): string | null {
  const first = check.Errors(body).First();
  if (!first) return null;
  const field = first.path.replace(/^\//, '').replace(/\//g, '.') || 'body';
  return `${field}: ${first.message}`;
}

function fileNameOf(url: string, given: string | undefined, i: number): string {
  if (given?.trim()) return given.trim();
  const last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  return last || `attachment-${i + 1}`;
}

/** The sender's phone in E.164, so the same person writing over SMS or WhatsApp is one contact. */
function phoneOf(body: ApiInbound): string | undefined {
  const raw = body.sender.phone;
  if (raw === undefined || raw.trim() === '') return undefined;
  const e164 = toE164(raw);
  if (!e164) throw new BadRequest(`sender.phone: not a phone number with a country code: ${JSON.stringify(raw)}`, { field: 'sender.phone' });
  return e164;
}

export function toInbound(channel: ApiChannelConfig, body: ApiInbound): InboundMessage {
  const phone = phoneOf(body);
  const email = body.sender.email?.trim().toLowerCase() || undefined;
  const alsoKnownAs: Identity[] = [];
  if (email) alsoKnownAs.push({ kind: 'email', value: email });
  if (phone) alsoKnownAs.push({ kind: 'phone', value: phone });
  const threadKey = body.threadKey ?? `sender:${body.sender.id}`;
  if (body.text.trim() === '' && (body.attachments?.length ?? 0) === 0) {
    throw new BadRequest('text: must not be empty when there are no attachments', { field: 'text' });
  }
  return {
    channel: { kind: 'api', name: channel.name },
    sender: {
      identity: { kind: 'external', value: `${channel.name}:${body.sender.id}` },
      name: body.sender.name,
      email,
      phone,
      alsoKnownAs,
    },
    thread: { key: threadKey },
    text: body.text,
    idempotencyKey: body.messageId,
    meta: { senderId: body.sender.id, threadKey },
  };
}

/**
 * One message from a business's app: checked, its files fetched (each bounded by the attachment
 * limit), stored, and answered only once committed.
 */
export async function receiveApiMessage(ctx: AppContext, channel: ApiChannelConfig, body: unknown): Promise<IntakeResult> {
  const problem = problemOf(body);
  if (problem) throw new BadRequest(problem, undefined, 'invalid_message');
  const valid = body as ApiInbound;
  const msg = toInbound(channel, valid);
  const limit = maxAttachmentBytes(ctx);
  // Asked only when there are files to spare: for a text message the question costs what it would save.
  const listed = valid.attachments ?? [];
  const wanted = listed.length > 0 && !(await alreadyStored(ctx, msg.channel, msg.idempotencyKey)) ? listed : [];
  const files = await Promise.all(
    wanted.map((a, i) => downloadMedia({ url: a.url, filename: fileNameOf(a.url, a.filename, i), contentType: a.contentType }, limit)),
  );
  const { attachments, skipped } = splitMedia(files);
  return commitInbound(ctx, { ...msg, attachments }, skipped);
}
