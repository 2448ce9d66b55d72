import { createReadStream } from 'node:fs';
import fastifyMultipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { agentOf, requireAgent } from '../../http/auth.js';
import { BadRequest } from '../../http/errors.js';
import { withErrors } from '../../http/schemas.js';
import { presentAttachment } from './presenter.js';
import { AttachmentSchema } from './schemas.js';
import { maxAttachmentBytes, openAttachment, uploadAttachment } from './service.js';

/** Shown in the browser; anything else downloads, so an uploaded HTML file never runs on our origin. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain']);

function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export const attachmentsRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAgent);
  // Our own limit is enforced while streaming (storeStream); busboy's is only a backstop one byte above it.
  await app.register(fastifyMultipart, { limits: { files: 1, fields: 5, fileSize: maxAttachmentBytes(ctx) + 1 }, throwFileSizeLimit: false });
  const tags = ['attachments'];

  app.post(
    '/attachments',
    { schema: { tags, consumes: ['multipart/form-data'], response: withErrors({ 201: Type.Object({ attachment: AttachmentSchema }) }, 400, 401, 413) } },
    async (request, reply) => {
      const file = await request.file();
      if (!file || file.fieldname !== 'file') throw new BadRequest('file: send one file in the form field "file"', { field: 'file' });
      const row = await uploadAttachment(ctx, agentOf(request), { name: file.filename, contentType: file.mimetype, stream: file.file });
      return reply.code(201).send({ attachment: presentAttachment(row) });
    },
  );

  app.get(
    '/attachments/:id/:name',
    { schema: { tags, params: Type.Object({ id: Type.Integer({ minimum: 1 }), name: Type.String({ minLength: 1, maxLength: 255 }) }) } },
    async (request, reply) => {
      const { row, file } = await openAttachment(ctx, agentOf(request), request.params.id, request.params.name);
      const inline = INLINE_TYPES.has(row.content_type);
      return reply
        .header('content-type', inline ? row.content_type : 'application/octet-stream')
        .header('content-length', String(row.size))
        .header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', row.name))
        .header('cache-control', 'private, max-age=86400')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .send(createReadStream(file));
    },
  );
};
