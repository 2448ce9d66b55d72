import { BadRequest } from './errors.js';

/** Free-form objects (preferences, custom attributes, custom fields) are small, flat-ish records. */
export const FREE_FORM_MAX_DEPTH = 8;
export const FREE_FORM_MAX_BYTES = 16 * 1024;

/** How deeply `value` nests objects and arrays, counted without recursion; stops once past `limit`. */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (item === null || typeof item !== 'object') continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (deepest > limit) return deepest;
    for (const child of Object.values(item)) stack.push([child, here]);
  }
  return deepest;
}

/**
 * A 400 naming the field when a free-form object nests deeper or weighs more than a record of
 * settings ever needs; stored as JSON and sent back on every read, it must stay small.
 */
export function checkFreeForm(field: string, value: Record<string, unknown> | undefined): void {
  if (value === undefined) return;
  if (nestingDepth(value, FREE_FORM_MAX_DEPTH) > FREE_FORM_MAX_DEPTH) {
    throw new BadRequest(`${field}: nested more than ${FREE_FORM_MAX_DEPTH} levels deep.`, { field }, 'too_deep');
  }
  if (Buffer.byteLength(JSON.stringify(value)) > FREE_FORM_MAX_BYTES) {
    throw new BadRequest(`${field}: larger than ${FREE_FORM_MAX_BYTES / 1024} KiB.`, { field }, 'too_large');
  }
}
