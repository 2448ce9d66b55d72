import { constants } from 'node:zlib';
import fastifyCompress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

/**
 * Text types only. The plugin's default also takes application/octet-stream, which here is
 * attachments (archives, office files): compressing those costs CPU for nothing. SSE stays out
 * (it must flush as it goes); websockets never pass through onSend.
 */
const COMPRESSIBLE = /^(?:text\/(?!event-stream)|application\/(?:[\w.+-]*\+)?(?:json|xml|javascript)|image\/svg\+xml)/;

/**
 * Compresses dynamic responses (API JSON, /metrics, the widget frame page) of 1 KB and more.
 * Fast settings: these are compressed on every request, unlike the built assets, which are
 * compressed once at build time at the strongest settings.
 */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCompress, {
    global: true,
    threshold: 1024,
    encodings: ['br', 'gzip'],
    customTypes: COMPRESSIBLE,
    brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } },
    zlibOptions: { level: 5 },
    // Request bodies stay plain: inflating them would let a small upload grow past the body limit.
    globalDecompression: false,
  });
}
