import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { requireRole } from '../../http/auth.js';
import { BadRequest, NotFound } from '../../http/errors.js';
import { withErrors } from '../../http/schemas.js';
import { emailChannel } from './index.js';
import { ingestRawEmail } from './ingest.js';
import { listChannels } from './status.js';

const IngestResultSchema = Type.Object({
  ticketId: Type.Union([Type.Integer(), Type.Null()]),
  ticketNumber: Type.Union([Type.Integer(), Type.Null()]),
  messageId: Type.Union([Type.Integer(), Type.Null()]),
  created: Type.Boolean(),
  ignored: Type.Optional(Type.String()),
});

const ChannelState = Type.Object({
  connected: Type.Boolean(),
  lastSyncAt: Type.Union([Type.String(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
});

const ChannelItem = Type.Object({
  kind: Type.String(),
  name: Type.String(),
  embedSnippet: Type.Optional(Type.String()),
  wechatKind: Type.Optional(Type.String()),
  serverUrl: Type.Optional(Type.String({ description: 'WeChat: the server URL to paste into the console' })),
  token: Type.Optional(Type.String({ description: 'WeChat: the token to paste into the console' })),
  encrypted: Type.Optional(Type.Boolean({ description: 'WeChat: safe mode (an EncodingAESKey is configured)' })),
  address: Type.Optional(Type.String({ description: "email: the mailbox address; Telegram: the bot's @username; API: the callback URL replies go to" })),
  webhookUrl: Type.Optional(Type.String({ description: "where the provider posts (WhatsApp, SMS, Telegram; set it in the provider's console), or where your app posts messages (API)" })),
  state: Type.Union([ChannelState, Type.Null()]),
});

const RAW_TYPES = ['message/rfc822', 'application/octet-stream', 'text/plain'];

/** Admin routes of the email channel: upload a raw message (the pipe over HTTP) and channel states. */
export const emailRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const admin = requireRole('admin');
  // Room for a mail whose attachment is well over the attachment limit (base64 adds a third):
  // it is still stored, minus that attachment, with a note, as the pipe and IMAP do.
  const rawLimit = Math.max(
    Math.round(ctx.config.server.body_limit_mb * 1024 * 1024),
    Math.round(ctx.config.attachments.max_size_mb * 1024 * 1024 * 3) + 1024 * 1024,
  );
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(RAW_TYPES, { parseAs: 'buffer', bodyLimit: rawLimit }, (_req, body, done) => done(null, body));

  app.post(
    '/channels/email/:name/raw',
    {
      onRequest: admin,
      bodyLimit: rawLimit,
      schema: {
        tags: ['channels'],
        summary: 'Ingest one raw RFC 5322 message, as the mail-pipe command does',
        params: Type.Object({ name: Type.String({ maxLength: 64 }) }),
        response: withErrors({ 200: IngestResultSchema }, 400, 401, 403, 404, 413),
      },
    },
    async (request) => {
      const channel = emailChannel(ctx, request.params.name);
      if (!channel) throw new NotFound('email channel');
      const raw = request.body;
      if (!Buffer.isBuffer(raw) || raw.length === 0) {
        throw new BadRequest('Send the raw message as the body with Content-Type message/rfc822.', { field: 'body' });
      }
      return ingestRawEmail(ctx, channel, raw);
    },
  );

  app.get(
    '/channels',
    {
      onRequest: admin,
      schema: { tags: ['channels'], response: withErrors({ 200: Type.Object({ items: Type.Array(ChannelItem) }) }, 401, 403) },
    },
    async () => ({ items: await listChannels(ctx) }),
  );
};
