import { Type, type Static } from '@sinclair/typebox';
import type { ExpressionBuilder } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Tables } from '../../db/tables.js';
import { now, type DbOrTx } from '../../db/database.js';
import { containsText } from '../../db/dialect-sql.js';
import { BadRequest, Conflict, NotFound } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { findContact } from '../contacts/queries.js';
import { agentActor, visibleTicket, type Viewer } from '../tickets/policy.js';
import { renderPlaceholders } from './render.js';

export const CannedReplySchema = Type.Object({ id: Type.Integer(), shortcut: Type.String(), title: Type.String(), body: Type.String() });
export type CannedReplyView = Static<typeof CannedReplySchema>;

const COLUMNS = ['id', 'shortcut', 'title', 'body'] as const;

export async function listCannedReplies(db: DbOrTx, q?: string): Promise<CannedReplyView[]> {
  let query = db.selectFrom('canned_replies').select(COLUMNS).orderBy('shortcut');
  const term = q?.trim().toLowerCase();
  if (term) {
    const contains = (eb: ExpressionBuilder<Tables, 'canned_replies'>, column: 'shortcut' | 'title' | 'body') =>
      containsText(db, eb.fn('lower', [column]), term);
    query = query.where((eb) => eb.or([contains(eb, 'shortcut'), contains(eb, 'title'), contains(eb, 'body')]));
  }
  return query.execute();
}

async function getCanned(db: DbOrTx, id: number): Promise<CannedReplyView> {
  const row = await db.selectFrom('canned_replies').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('canned reply');
  return row;
}

async function checkShortcut(db: DbOrTx, shortcut: string, exceptId: number | null): Promise<string> {
  const clean = shortcut.trim().replace(/^\//, '');
  if (!/^[\p{L}\p{N}_-]{1,50}$/u.test(clean)) {
    throw new BadRequest('shortcut: letters, digits, - and _ only', { field: 'shortcut' });
  }
  const other = await db
    .selectFrom('canned_replies')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['shortcut']), '=', clean.toLowerCase()))
    .executeTakeFirst();
  if (other && other.id !== exceptId) throw new Conflict(`The shortcut "${clean}" is taken.`, 'shortcut_taken');
  return clean;
}

export interface CannedInput {
  shortcut?: string | undefined;
  title?: string | undefined;
  body?: string | undefined;
}

export async function createCannedReply(
  ctx: AppContext,
  viewer: Viewer,
  input: { shortcut: string; title: string; body: string },
): Promise<CannedReplyView> {
  return ctx.database.transaction(async (tx) => {
    const at = now();
    const row = await tx
      .insertInto('canned_replies')
      .values({ shortcut: await checkShortcut(tx, input.shortcut, null), title: input.title.trim(), body: input.body, created_by: viewer.id, created_at: at, updated_at: at })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    await recordAudit(tx, { actor: agentActor(viewer), action: 'canned_reply.created', entityKind: 'canned_reply', entityId: row.id, after: row });
    return row;
  });
}

export async function updateCannedReply(ctx: AppContext, viewer: Viewer, id: number, input: CannedInput): Promise<CannedReplyView> {
  return ctx.database.transaction(async (tx) => {
    const before = await getCanned(tx, id);
    const after = await tx
      .updateTable('canned_replies')
      .set({
        shortcut: input.shortcut !== undefined ? await checkShortcut(tx, input.shortcut, id) : before.shortcut,
        title: input.title?.trim() ?? before.title,
        body: input.body ?? before.body,
        updated_at: now(),
      })
      .where('id', '=', id)
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    await recordAudit(tx, { actor: agentActor(viewer), action: 'canned_reply.updated', entityKind: 'canned_reply', entityId: id, before, after });
    return after;
  });
}

export async function deleteCannedReply(ctx: AppContext, viewer: Viewer, id: number): Promise<void> {
  await ctx.database.transaction(async (tx) => {
    const before = await getCanned(tx, id);
    await tx.deleteFrom('canned_replies').where('id', '=', id).execute();
    await recordAudit(tx, { actor: agentActor(viewer), action: 'canned_reply.deleted', entityKind: 'canned_reply', entityId: id, before });
  });
}

/** The reply's text for one ticket, placeholders filled; the ticket must be one the viewer may see. */
export async function renderCannedReply(ctx: AppContext, viewer: Viewer, id: number, ticketId: number): Promise<string> {
  const canned = await getCanned(ctx.db, id);
  const ticket = await visibleTicket(ctx, viewer, ticketId);
  const contact = await findContact(ctx.db, ticket.contact_id);
  return renderPlaceholders(canned.body, {
    contact: { name: contact?.name ?? null, email: contact?.email ?? null },
    agent: { name: viewer.name },
    ticket: { number: ticket.number, subject: ticket.subject },
  });
}
