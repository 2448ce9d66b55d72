import type { AppContext } from '../../context.js';
import { now } from '../../db/database.js';
import { lockRows } from '../../db/dialect-sql.js';
import { BadRequest, NotFound } from '../../http/errors.js';
import type { KefuEvent } from '../../realtime/events.js';
import { recordAudit } from '../audit/service.js';
import { parseJsonObject } from '../tickets/json.js';
import { agentActor, type Viewer } from '../tickets/policy.js';
import { presentTickets } from '../tickets/presenter.js';
import { presentOneContact } from './presenter.js';
import { findContact, type ContactRow } from './queries.js';
import type { ContactView } from './schemas.js';

const joinNotes = (a: string, b: string): string => [a.trim(), b.trim()].filter((n) => n !== '').join('\n\n');

/**
 * Merges `sourceId` into `intoId`: identities and tickets (with their whole history) move to the
 * survivor, empty fields are filled from the source, and the source contact is deleted.
 */
export async function mergeContacts(ctx: AppContext, viewer: Viewer, sourceId: number, intoId: number): Promise<ContactView> {
  if (sourceId === intoId) throw new BadRequest('intoContactId: a contact cannot be merged into itself', { field: 'intoContactId' });
  const actor = agentActor(viewer);
  return ctx.database.transaction(async (tx, onCommit) => {
    // Locked first, so a concurrent merge or erasure of either waits for this one; read one after
    // the other, as a transaction's connection runs one query at a time.
    await lockRows(tx, 'contacts', [sourceId, intoId]);
    const source = await findContact(tx, sourceId);
    const into = await findContact(tx, intoId);
    if (!source) throw new NotFound('contact');
    if (!into) throw new NotFound('contact');
    const fill = (field: 'name' | 'email' | 'phone' | 'language'): string | null => into[field] ?? source[field];
    const merged: Partial<ContactRow> = {
      name: fill('name'),
      email: fill('email'),
      // The survivor's own address keeps its standing; one taken over from the source keeps the source's.
      email_verified: into.email !== null ? into.email_verified : source.email_verified,
      phone: fill('phone'),
      language: fill('language'),
      attributes: JSON.stringify({ ...parseJsonObject(source.attributes), ...parseJsonObject(into.attributes) }),
      notes: joinNotes(into.notes, source.notes),
      last_seen_at: Math.max(into.last_seen_at ?? 0, source.last_seen_at ?? 0) || null,
      updated_at: now(),
    };
    await tx.updateTable('contact_identities').set({ contact_id: intoId }).where('contact_id', '=', sourceId).execute();
    const moved = await tx
      .updateTable('tickets')
      .set({ contact_id: intoId })
      .where('contact_id', '=', sourceId)
      .returningAll()
      .execute();
    await tx.updateTable('messages').set({ author_id: intoId }).where('author_kind', '=', 'contact').where('author_id', '=', sourceId).execute();
    const survivor = await tx.updateTable('contacts').set(merged).where('id', '=', intoId).returningAll().executeTakeFirstOrThrow();
    await tx.deleteFrom('contacts').where('id', '=', sourceId).execute();
    await recordAudit(tx, {
      actor,
      action: 'contact.merged',
      entityKind: 'contact',
      entityId: intoId,
      before: { mergedContactId: sourceId, name: source.name, email: source.email, phone: source.phone },
      after: { ticketIds: moved.map((t) => t.id) },
    });
    const view = await presentOneContact(tx, survivor, ctx.config.channels.widget);
    const ticketViews = await presentTickets(tx, moved, null);
    const events: KefuEvent[] = [
      { type: 'contact.merged', actor, contactId: sourceId, intoContactId: intoId, contact: view },
      ...moved.map((t, i): KefuEvent => {
        const ticket = ticketViews[i];
        if (!ticket) throw new Error('ticket view missing');
        const scope = { ticketId: t.id, assigneeId: t.assignee_id, teamId: t.team_id };
        return { type: 'ticket.updated', actor, ...scope, ticket, changes: ['contact'], previous: { assigneeId: t.assignee_id, teamId: t.team_id } };
      }),
    ];
    onCommit(() => events.forEach((e) => ctx.bus.emit(e)));
    return view;
  });
}
