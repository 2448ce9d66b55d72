import { readFileSync } from 'node:fs';
import type { AppContext } from '../../context.js';
import { attachmentPath } from '../../modules/attachments/storage.js';
import { PermanentDeliveryError, type OutboxJob, type SendResult } from '../../outbox/senders.js';
import { saveProviderRef } from '../phone/refs.js';
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

/** Sends an agent's reply: a template, or the text then each attachment uploaded as media. */
export function createWhatsAppSender(ctx: AppContext): (job: OutboxJob) => Promise<SendResult | void> {
  return async (job) => {
    const channel: WhatsAppChannelConfig | undefined = ctx.config.channels.whatsapp.find((c) => c.name === job.channelName);
    if (!channel) throw new PermanentDeliveryError(`no whatsapp channel named ${job.channelName ?? ''}`);
    if (job.messageId === null) throw new PermanentDeliveryError('nothing to send');
    const out = await loadOutgoing(ctx, job.messageId);
    const base = { recipient_type: 'individual', to: out.to };
    const ids: Array<string | null> = [];
    if (out.template) {
      ids.push(await sendGraphMessage(channel, { ...base, type: 'template', template: { name: out.template.name, language: { code: out.template.language } } }));
    } else if (out.text.trim() !== '') {
      ids.push(await sendGraphMessage(channel, { ...base, type: 'text', text: { preview_url: false, body: out.text.slice(0, 4096) } }));
    }
    for (const file of out.files) {
      const content = readFileSync(attachmentPath(ctx.paths.attachments, file.sha256));
      const mediaId = await uploadMedia(channel, { name: file.name, type: file.type, content });
      const kind = mediaKind(file.type);
      const media = kind === 'document' ? { id: mediaId, filename: file.name } : { id: mediaId };
      ids.push(await sendGraphMessage(channel, { ...base, type: kind, [kind]: media }));
    }
    for (const id of ids) if (id) await saveProviderRef(ctx.db, { kind: 'whatsapp', name: channel.name }, id, job.messageId);
  };
}
