import { readFile } from 'node:fs/promises';
import type { AppContext } from '../../context.js';
import { PermanentDeliveryError, type Sender } from '../../outbox/senders.js';
import { unreachable } from '../kit/fetch-error.js';
import { loadOutboundReply, type OutboundReply } from '../kit/outbound.js';
import type { ApiChannelConfig } from './config-schema.js';
import type { ApiCallbackPayload } from './schemas.js';
import { signedHeaders } from './signature.js';

const CALLBACK_TIMEOUT_MS = 15_000;

async function payloadOf(channel: ApiChannelConfig, reply: OutboundReply): Promise<ApiCallbackPayload> {
  const { message, ticket, files, lastInbound } = reply;
  return {
    event: 'message.created',
    channel: channel.name,
    ticketId: ticket.id,
    ticketNumber: ticket.number,
    threadKey: ticket.thread_key,
    messageId: message.id,
    recipient: { id: typeof lastInbound?.senderId === 'string' ? lastInbound.senderId : null },
    author: { name: message.author_name },
    text: message.text,
    attachments: await Promise.all(
      files.map(async (f) => ({
        filename: f.row.name,
        contentType: f.row.content_type,
        size: f.row.size,
        contentBase64: (await readFile(f.path)).toString('base64'),
      })),
    ),
    createdAt: new Date(message.created_at).toISOString(),
  };
}

/** A short, single-line excerpt of what the far end answered, for the agent to read. */
async function answerText(res: Response): Promise<string> {
  const text = (await res.text().catch(() => '')).replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/**
 * Agents' replies on API channel tickets, POSTed as JSON to the channel's callback_url and signed
 * like inbound requests. A 4xx means the receiver refused this message: retrying cannot help.
 * A 5xx, a timeout or a refused connection is retried by the outbox.
 */
export function createApiSender(ctx: AppContext): Sender {
  return async (job) => {
    const channel = ctx.config.channels.api.find((c) => c.name === job.channelName);
    if (!channel) throw new PermanentDeliveryError(`no API channel named "${job.channelName ?? ''}" in the configuration`);
    const body = JSON.stringify(await payloadOf(channel, await loadOutboundReply(ctx, job)));
    const res = await fetch(channel.callback_url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedHeaders(channel.secret, body) },
      body,
      signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
    }).catch((err: unknown) => {
      throw unreachable('callback', err);
    });
    if (res.ok) {
      await res.body?.cancel().catch(() => undefined);
      return { status: 'sent' };
    }
    const said = await answerText(res);
    const error = `callback answered ${res.status}${said ? `: ${said}` : ''}`;
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new PermanentDeliveryError(error);
    throw new Error(error);
  };
}
