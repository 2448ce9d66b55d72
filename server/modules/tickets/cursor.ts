import { BadRequest } from '../../http/errors.js';

/** Opaque to clients: the keyset values of the last row of a page. */
export function encodeCursor(values: number[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, length: number): number[] | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === length && value.every((v) => Number.isFinite(v))) {
      return value as number[];
    }
  } catch {
    // falls through to the error below
  }
  throw new BadRequest('cursor: not a cursor this list gave out', { field: 'cursor' });
}
