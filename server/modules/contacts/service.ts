import type { AppContext } from '../../context.js';
import { now, type DbOrTx } from '../../db/database.js';
import { containsText } from '../../db/dialect-sql.js';
import type { ExpressionBuilder } from 'kysely';
import type { Tables } from '../../db/tables.js';
import { BadRequest, Conflict, NotFound } from '../../http/errors.js';
import { checkFreeForm } from '../../http/free-form.js';
import type { IdentityKind } from '../../intake/types.js';
import { recordAudit, diffFields } from '../audit/service.js';
import { decodeCursor, encodeCursor } from '../tickets/cursor.js';
import { parseJsonObject } from '../tickets/json.js';
import { agentActor, type Viewer } from '../tickets/policy.js';
import { presentContacts, presentOneContact } from './presenter.js';
import { addIdentities, findContact, insertContact, normalizeIdentity, type ContactRow } from './queries.js';
import type { ContactView } from './schemas.js';

export interface ContactInput {
  name?: string | null | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  language?: string | null | undefined;
  attributes?: Record<string, unknown> | undefined;
  notes?: string | undefined;
}

const blankToNull = (v: string | null | undefined): string | null | undefined =>
  v === undefined ? undefined : v === null || v.trim() === '' ? null : v.trim();

function identitiesFor(input: ContactInput): Array<{ kind: string; value: string }> {
  const list: Array<{ kind: string; value: string }> = [];
  if (input.email) list.push({ kind: 'email', value: input.email });
  if (input.phone) list.push({ kind: 'phone', value: input.phone });
  return list;
}

/**
 * Only an email or phone the agent changed is checked and recorded as an identity: the edit form sends
 * every field, and an unverified address another contact owns must not block saving the rest.
 */
function changedIdentityFields(row: ContactRow, input: ContactInput): ContactInput {
  const same = (a: string | null | undefined, b: string | null) => (blankToNull(a) ?? null)?.toLowerCase() === b?.toLowerCase();
  return {
    ...(input.email !== undefined && !same(input.email, row.email) ? { email: input.email } : {}),
    ...(input.phone !== undefined && !same(input.phone, row.phone) ? { phone: input.phone } : {}),
  };
}

function snapshot(row: ContactRow): Record<string, unknown> {
  return {
    name: row.name,
    email: row.email,
    phone: row.phone,
    language: row.language,
    attributes: parseJsonObject(row.attributes),
    notes: row.notes,
  };
}

const IDENTITY_KINDS: IdentityKind[] = ['email', 'phone', 'widget', 'telegram', 'whatsapp', 'wechat', 'external'];

/** Without search terms (punctuation only), a plain substring match; slow on a large table but never wrong. */
function likeAny(db: DbOrTx, eb: ExpressionBuilder<Tables, 'contacts'>, q: string) {
  const needle = q.toLowerCase();
  const contains = (column: 'name' | 'email' | 'phone') => containsText(db, eb.fn('lower', [column]), needle);
  return eb.or([contains('name'), contains('email'), contains('phone')]);
}

export async function listContacts(
  ctx: AppContext,
  opts: { q?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<{ items: ContactView[]; nextCursor: string | null }> {
  const after = decodeCursor(opts.cursor, 1);
  let query = ctx.db.selectFrom('contacts').selectAll().orderBy('id', 'desc').limit(opts.limit + 1);
  if (after) query = query.where('id', '<', after[0] ?? 0);
  const q = opts.q?.trim();
  if (q) {
    await ctx.search.caughtUp();
    const fts = ctx.search.queries.contactCondition(q);
    const exact = normalizeIdentity('email', q).value;
    const digits = /^[\d\s()+.-]+$/.test(q) ? q.replace(/\D/g, '') : '';
    query = query.where((eb) =>
      eb.or([
        fts ?? likeAny(ctx.db, eb, q),
        // An identity pasted whole (a visitor id, a chat id) finds its contact through the unique index.
        eb('id', 'in', eb.selectFrom('contact_identities').select('contact_id').where('kind', 'in', IDENTITY_KINDS).where('value', 'in', [q, exact])),
        ...(digits.length >= 5
          ? [
              // Phone numbers are typed with and without country code, spaces and dashes.
              eb(
                'id',
                'in',
                eb
                  .selectFrom('contact_identities')
                  .select('contact_id')
                  .where('kind', 'in', ['phone', 'whatsapp'])
                  .where((e) => containsText(ctx.db, e.ref('value'), digits)),
              ),
            ]
          : []),
      ]),
    );
  }
  const rows = await query.execute();
  const page = rows.slice(0, opts.limit);
  const last = page[page.length - 1];
  return {
    items: await presentContacts(ctx.db, page, ctx.config.channels.widget),
    nextCursor: rows.length > opts.limit && last ? encodeCursor([last.id]) : null,
  };
}

export async function getContactRow(ctx: AppContext, id: number): Promise<ContactRow> {
  const row = await findContact(ctx.db, id);
  if (!row) throw new NotFound('contact');
  return row;
}

async function assertIdentitiesFree(ctx: AppContext, contactId: number | null, input: ContactInput): Promise<void> {
  for (const raw of identitiesFor(input)) {
    const id = normalizeIdentity(raw.kind, raw.value);
    const owner = await ctx.db
      .selectFrom('contact_identities')
      .select('contact_id')
      .where('kind', '=', id.kind)
      .where('value', '=', id.value)
      .executeTakeFirst();
    if (owner && owner.contact_id !== contactId) {
      throw new Conflict(`Another contact already has ${raw.kind} ${id.value}; merge them instead.`, 'identity_taken');
    }
  }
}

export async function createContact(ctx: AppContext, viewer: Viewer, input: ContactInput): Promise<ContactView> {
  if (!blankToNull(input.name) && !blankToNull(input.email) && !blankToNull(input.phone)) {
    throw new BadRequest('name: give at least a name, an email or a phone number', { field: 'name' });
  }
  checkFreeForm('attributes', input.attributes);
  await assertIdentitiesFree(ctx, null, input);
  const at = now();
  return ctx.database.transaction(async (tx, onCommit) => {
    const row = await insertContact(tx, {
      name: blankToNull(input.name) ?? null,
      email: blankToNull(input.email)?.toLowerCase() ?? null,
      phone: blankToNull(input.phone) ?? null,
      language: blankToNull(input.language) ?? null,
      attributes: JSON.stringify(input.attributes ?? {}),
      notes: input.notes ?? '',
      created_at: at,
      updated_at: at,
      last_seen_at: null,
    });
    await addIdentities(tx, row.id, identitiesFor(input), at);
    await recordAudit(tx, {
      actor: agentActor(viewer),
      action: 'contact.created',
      entityKind: 'contact',
      entityId: row.id,
      after: snapshot(row),
    });
    const view = await presentOneContact(tx, row, ctx.config.channels.widget);
    onCommit(() => ctx.bus.emit({ type: 'contact.created', actor: agentActor(viewer), contactId: row.id, contact: view }));
    return view;
  });
}

export async function updateContact(
  ctx: AppContext,
  viewer: Viewer,
  id: number,
  input: ContactInput,
): Promise<ContactView> {
  checkFreeForm('attributes', input.attributes);
  const current = await findContact(ctx.db, id);
  if (!current) throw new NotFound('contact');
  const changed = changedIdentityFields(current, input);
  await assertIdentitiesFree(ctx, id, changed);
  return ctx.database.transaction(async (tx, onCommit) => {
    const before = await findContact(tx, id);
    if (!before) throw new NotFound('contact');
    const at = now();
    const changes = {
      ...(input.name !== undefined ? { name: blankToNull(input.name) ?? null } : {}),
      // An address the agent typed is vouched for; one kept as it was keeps its state.
      ...(changed.email !== undefined ? { email: blankToNull(input.email)?.toLowerCase() ?? null, email_verified: 1 } : {}),
      ...(input.phone !== undefined ? { phone: blankToNull(input.phone) ?? null } : {}),
      ...(input.language !== undefined ? { language: blankToNull(input.language) ?? null } : {}),
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
      ...(input.attributes !== undefined
        ? { attributes: JSON.stringify(mergeAttributes(parseJsonObject(before.attributes), input.attributes)) }
        : {}),
    };
    const after = await tx
      .updateTable('contacts')
      .set({ ...changes, updated_at: at })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await addIdentities(tx, id, identitiesFor(changed), at);
    const diff = diffFields(snapshot(before), snapshot(after));
    if (diff) {
      await recordAudit(tx, { actor: agentActor(viewer), action: 'contact.updated', entityKind: 'contact', entityId: id, ...diff });
    }
    const view = await presentOneContact(tx, after, ctx.config.channels.widget);
    onCommit(() => ctx.bus.emit({ type: 'contact.updated', actor: agentActor(viewer), contactId: id, contact: view }));
    return view;
  });
}

/** A null value removes an attribute; other keys are kept, so two editors never erase each other's keys. */
export function mergeAttributes(
  current: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const next = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}
