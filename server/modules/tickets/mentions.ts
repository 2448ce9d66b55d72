import type { DbOrTx } from '../../db/database.js';

/**
 * Agents a note mentions: `@Full Name` or `@localpart` of their email, case-insensitive.
 * Longest names first so "@Ann Lee" is not taken for "@Ann".
 */
export async function findMentions(db: DbOrTx, text: string): Promise<number[]> {
  if (!text.includes('@')) return [];
  const agents = await db.selectFrom('agents').select(['id', 'name', 'email']).where('active', '=', 1).execute();
  const lower = text.toLowerCase();
  const found = new Set<number>();
  const handles = agents
    .flatMap((a) => [
      { id: a.id, handle: a.name.toLowerCase() },
      { id: a.id, handle: (a.email.split('@')[0] ?? '').toLowerCase() },
    ])
    .filter((h) => h.handle !== '')
    .sort((a, b) => b.handle.length - a.handle.length);
  for (const { id, handle } of handles) {
    let from = 0;
    for (;;) {
      const at = lower.indexOf(`@${handle}`, from);
      if (at < 0) break;
      const before = at === 0 ? ' ' : (lower[at - 1] ?? ' ');
      const after = lower[at + 1 + handle.length] ?? ' ';
      // Not inside an email address, and the handle ends at a word boundary.
      if (!/[\p{L}\p{N}._-]/u.test(before) && !/[\p{L}\p{N}_-]/u.test(after)) {
        found.add(id);
        break;
      }
      from = at + 1;
    }
  }
  return [...found].sort((a, b) => a - b);
}
