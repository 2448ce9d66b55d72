import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AppContext } from '../../context.js';
import { attachmentPath } from '../../modules/attachments/storage.js';
import { PermanentDeliveryError, type OutboxJob, type SendResult } from '../../outbox/senders.js';
import { countProviderRefs, saveProviderRef } from '../phone/refs.js';
import type { WhatsAppChannelConfig } from './config-schema.js';
import { sendGraphMessage, uploadMedia } from './graph-api.js';

interface Outgoing {
  to: string;
  text: string;
  template: { name: string; language: string } | null;
  files: Array<{ name: string; type: string; sha256: string }>;
}

async function loadOutgoing(ctx: AppContext, messageId: number): Promise<Outgoing> {
  const message = await ctx.db
    .selectFrom('messages')
    .innerJoin('tickets', 'tickets.id', 'messages.ticket_id')
    .select(['messages.text', 'messages.meta', 'tickets.thread_key'])
    .where('messages.id', '=', messageId)
    .executeTakeFirst();
  if (!message?.thread_key) throw new PermanentDeliveryError('the ticket has no WhatsApp number to reply to');
  const files = await ctx.db
    .selectFrom('message_attachments')
    .innerJoin('attachments', 'attachments.id', 'message_attachments.attachment_id')
    .select(['attachments.name', 'attachments.content_type as type', 'attachments.sha256'])
    .where('message_attachments.message_id', '=', messageId)
    .execute();
  const meta = JSON.parse(message.meta) as { template?: { name: string; language: string } };
  return { to: message.thread_key.replace(/^\+/, ''), text: message.text, template: meta.template ?? null, files };
}

const mediaKind = (type: string): 'image' | 'audio' | 'video' | 'document' =>
  /^image\/(jpeg|png)$/.test(type) ? 'image' : type.startsWith('audio/') ? 'audio' : type === 'video/mp4' ? 'video' : 'document';

type Part = () => Promise<Record<string, unknown>>;

/** The messages one reply becomes, in a fixed order: a template or the text, then each file. */
function partsOf(ctx: AppContext, channel: WhatsAppChannelConfig, out: Outgoing): Part[] {
  const parts: Part[] = [];
  if (out.template) {
    const { name, language } = out.template;
    parts.push(async () => ({ type: 'template', template: { name, language: { code: language } } }));
  } else if (out.text.trim() !== '') {
    parts.push(async () => ({ type: 'text', text: { preview_url: false, body: out.text.slice(0, 4096) } }));
  }
  for (const file of out.files) {
    parts.push(async () => {
      const content = readFileSync(attachmentPath(ctx.paths.attachments, file.sha256));
      const id = await uploadMedia(channel, { name: file.name, type: file.type, content });
      const kind = mediaKind(file.type);
      return { type: kind, [kind]: kind === 'document' ? { id, filename: file.name } : { id } };
    });
  }
  return parts;
}

/**
 * Sends an agent's reply. Each part WhatsApp accepts is recorded with its wamid at once, so a
 * retry after a later part failed sends only the parts still missing, never the text twice.
 */
export function createWhatsAppSender(ctx: AppContext): (job: OutboxJob) => Promise<SendResult | void> {
  return async (job) => {
    const channel: WhatsAppChannelConfig | undefined = ctx.config.channels.whatsapp.find((c) => c.name === job.channelName);
    if (!channel) throw new PermanentDeliveryError(`no whatsapp channel named ${job.channelName ?? ''}`);
    if (job.messageId === null) throw new PermanentDeliveryError('nothing to send');
    const messageId = job.messageId;
    const out = await loadOutgoing(ctx, messageId);
    const ref = { kind: 'whatsapp', name: channel.name };
    const done = await countProviderRefs(ctx.db, ref, messageId);
    const parts = partsOf(ctx, channel, out);
    for (const part of parts.slice(done)) {
      const wamid = await sendGraphMessage(channel, { recipient_type: 'individual', to: out.to, ...(await part()) });
      // A part WhatsApp took without an id still counts, so it is not sent again.
      await saveProviderRef(ctx.db, ref, wamid ?? `no-id:${messageId}:${randomUUID()}`, messageId);
    }
  };
}
