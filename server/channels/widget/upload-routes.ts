import { createReadStream, existsSync } from 'node:fs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NotFound } from '../../http/errors.js';
import { withErrors } from '../../http/schemas.js';
import { attachmentPath } from '../../modules/attachments/storage.js';
import { guardVisitor } from './guard.js';
import { attachmentSignatureOk } from './presenter.js';
import type { WidgetRuntime } from './runtime.js';
import { ChannelParams, FileParams, FileQuery, UploadSchema } from './schemas.js';
import { acceptUpload } from './upload-service.js';

const INLINE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * Uploads are the raw file as the body (Content-Type: its type, X-Filename: its name), which keeps the
 * widget free of multipart code; this plugin parses every body as bytes and nothing else.
 */
export const widgetUploadRoutes: FastifyPluginAsyncTypebox<{ rt: WidgetRuntime }> = async (app, { rt }) => {
  const largest = Math.max(1, ...rt.ctx.config.channels.widget.map((c) => c.max_upload_mb));
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: Math.ceil(largest * 1024 * 1024) }, (_req, body, done) =>
    done(null, body),
  );

  app.post(
    '/widget/:channel/uploads',
    { schema: { params: ChannelParams, response: withErrors({ 200: UploadSchema }, 400, 401, 403, 404, 413, 429, 507) } },
    async (request) => {
      const { ch, visitor } = await guardVisitor(rt, request, request.params.channel);
      const name = request.headers['x-filename'];
      return acceptUpload(rt, ch, visitor, {
        filename: typeof name === 'string' ? safeDecode(name) : 'file',
        contentType: request.headers['content-type'] ?? 'application/octet-stream',
        content: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        truncated: false,
      }, request.ip);
    },
  );

  app.get('/widget/:channel/files/:id/:name', { schema: { params: FileParams, querystring: FileQuery } }, async (request, reply) => {
    if (!attachmentSignatureOk(rt.ctx.secret, request.params.id, request.query.sig)) throw new NotFound('file');
    const row = await rt.ctx.db
      .selectFrom('attachments')
      .select(['sha256', 'name', 'content_type'])
      .where('id', '=', request.params.id)
      .executeTakeFirst();
    const file = row && attachmentPath(rt.ctx.paths.attachments, row.sha256);
    if (!row || !file || !existsSync(file)) throw new NotFound('file');
    const inline = INLINE.has(row.content_type);
    reply.header('content-type', inline ? row.content_type : 'application/octet-stream');
    reply.header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(row.name)}`);
    reply.header('content-security-policy', "default-src 'none'; sandbox");
    reply.header('cache-control', 'private, max-age=86400');
    return reply.send(createReadStream(file));
  });
};

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
