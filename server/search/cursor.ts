import { BadRequest } from '../http/errors.js';

/** Where the next page of search hits starts: a segment (server/search/ticket-hits.ts) and an offset in its ranking. */
export interface SearchPosition {
  messagesBelow: number | null;
  ticketsBelow: number | null;
  offset: number;
}

export function encodeSearchCursor(p: SearchPosition): string {
  return Buffer.from(JSON.stringify([p.messagesBelow, p.ticketsBelow, p.offset])).toString('base64url');
}

const boundOk = (v: unknown): v is number | null => v === null || (Number.isInteger(v) && (v as number) >= 0);

export function decodeSearchCursor(cursor: string | undefined): SearchPosition | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 3 && boundOk(v[0]) && boundOk(v[1]) && Number.isInteger(v[2]) && v[2] >= 0) {
      return { messagesBelow: v[0], ticketsBelow: v[1], offset: v[2] as number };
    }
  } catch {
    // falls through to the error below
  }
  throw new BadRequest('cursor: not a cursor this search gave out', { field: 'cursor' });
}
