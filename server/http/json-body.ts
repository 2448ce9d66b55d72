import type { FastifyInstance } from 'fastify';
import { BadRequest } from './errors.js';

/** No API body nests anywhere near this; deeper input is an attack on recursive code further on. */
export const MAX_JSON_DEPTH = 64;

/** The deepest bracket nesting in JSON text, scanning once; stops counting once past `limit`. */
export function jsonTextDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** Fastify's own JSON parser (with its prototype-poisoning checks), behind a nesting limit. */
export function installJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (jsonTextDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      done(new BadRequest(`The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep.`, undefined, 'too_deep'), undefined);
      return;
    }
    parse(request, text, done);
  });
}
