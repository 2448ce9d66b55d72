import type { FastifyInstance } from 'fastify';
import { BadRequest } from '../../http/errors.js';
import { MAX_JSON_DEPTH, jsonTextDepth } from '../../http/json-body.js';

/**
 * Inside the plugin that calls it, request bodies of these types arrive as the exact bytes the
 * sender signed (a Buffer), not parsed: a signature is checked over those bytes, and only then is
 * the body parsed. Encapsulated, so the rest of the API keeps its JSON parser.
 */
export function keepRawBody(app: FastifyInstance, types: string[] = ['application/json'], bodyLimit?: number): void {
  for (const type of types) {
    if (app.hasContentTypeParser(type)) app.removeContentTypeParser(type);
  }
  app.addContentTypeParser(types, { parseAs: 'buffer', ...(bodyLimit ? { bodyLimit } : {}) }, (_req, body, done) => done(null, body));
}

/** The request's raw body; an empty Buffer when none was sent. */
export function rawBodyOf(body: unknown): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
}

/** Parses a verified raw body as a JSON object, with the same depth limit as the rest of the API. */
export function parseJsonObject(raw: Buffer): Record<string, unknown> {
  const text = raw.toString('utf8');
  if (jsonTextDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new BadRequest(`The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep.`, undefined, 'too_deep');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequest('The body is not valid JSON.', { field: 'body' }, 'invalid_json');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequest('The body must be a JSON object.', { field: 'body' }, 'invalid_json');
  }
  return value as Record<string, unknown>;
}
