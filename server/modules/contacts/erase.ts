import type { AppContext } from '../../context.js';
import { NotFound } from '../../http/errors.js';
import type { KefuEvent } from '../../realtime/events.js';
import { removeOrphanFiles } from '../attachments/service.js';
import { recordAudit } from '../audit/service.js';
import { refreshSummary } from '../tickets/messages.js';
import { presentTickets } from '../tickets/presenter.js';
import type { TicketRow } from '../tickets/queries.js';
import { agentActor, type Viewer } from '../tickets/policy.js';

/**
 * GDPR erase: the contact, its identities, tickets, messages and attachment files are deleted;
 * audit lines about them lose their contents, and one line records that an erase happened,
 * without anything that identifies the person.
 */
export async function eraseContact(ctx: AppContext, viewer: Viewer, id: number): Promise<void> {
  const actor = agentActor(viewer);
  const hashes = await ctx.database.transaction(async (tx, onCommit) => {
    const contact = await tx.selectFrom('contacts').select('id').where('id', '=', id).executeTakeFirst();
    if (!contact) throw new NotFound('contact');
    const tickets = await tx.selectFrom('tickets').select(['id', 'assignee_id', 'team_id']).where('contact_id', '=', id).execute();
    const ticketIds = tickets.map((t) => t.id);
    const files =
      ticketIds.length === 0
        ? []
        : await tx
            .selectFrom('attachments')
            .select(['attachments.id', 'attachments.sha256'])
            .where('attachments.id', 'in', (eb) =>
              eb
                .selectFrom('message_attachments')
                .innerJoin('messages', 'messages.id', 'message_attachments.message_id')
                .select('message_attachments.attachment_id')
                .where('messages.ticket_id', 'in', ticketIds),
            )
            .execute();
    const messageCount =
      ticketIds.length === 0
        ? 0
        : Number(
            (
              await tx
                .selectFrom('messages')
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .where('ticket_id', 'in', ticketIds)
                .executeTakeFirstOrThrow()
            ).n,
          );
    // What they wrote into other people's tickets (a CC'd reply) goes too.
    const elsewhere = await tx
      .selectFrom('messages')
      .select(['id', 'ticket_id'])
      .where('author_kind', '=', 'contact')
      .where('author_id', '=', id)
      .where('ticket_id', 'not in', ticketIds.length > 0 ? ticketIds : [-1])
      .execute();
    const elsewhereFiles =
      elsewhere.length === 0
        ? []
        : await tx
            .selectFrom('message_attachments')
            .innerJoin('attachments', 'attachments.id', 'message_attachments.attachment_id')
            .select(['attachments.id', 'attachments.sha256'])
            .where('message_attachments.message_id', 'in', elsewhere.map((m) => m.id))
            .execute();
    files.push(...elsewhereFiles);
    const touched: TicketRow[] = [];
    if (elsewhere.length > 0) {
      await tx.deleteFrom('messages').where('id', 'in', elsewhere.map((m) => m.id)).execute();
      for (const ticketId of new Set(elsewhere.map((m) => m.ticket_id))) touched.push(await refreshSummary(tx, ticketId));
    }
    // Ratings have no foreign key to their ticket; gone in this transaction, the erasure is
    // complete when it answers (the widget's follow-up on contact.deleted then finds none).
    if (ticketIds.length > 0) await tx.deleteFrom('csat_ratings').where('ticket_id', 'in', ticketIds).execute();
    // Messages, links, reads and outbox rows go with their tickets (ON DELETE CASCADE).
    if (ticketIds.length > 0) await tx.deleteFrom('tickets').where('id', 'in', ticketIds).execute();
    if (files.length > 0) await tx.deleteFrom('attachments').where('id', 'in', files.map((f) => f.id)).execute();
    await tx.deleteFrom('contacts').where('id', '=', id).execute();
    await tx
      .updateTable('audit_log')
      .set({ before: null, after: null })
      .where((eb) =>
        eb.or([
          eb.and([eb('entity_kind', '=', 'contact'), eb('entity_id', '=', id)]),
          ...(ticketIds.length > 0 ? [eb.and([eb('entity_kind', '=', 'ticket'), eb('entity_id', 'in', ticketIds)])] : []),
        ]),
      )
      .execute();
    await recordAudit(tx, {
      actor,
      action: 'contact.erased',
      entityKind: 'contact',
      entityId: id,
      after: { tickets: ticketIds.length, messages: messageCount + elsewhere.length, attachments: files.length },
    });
    const touchedViews = await presentTickets(tx, touched, null);
    const events: KefuEvent[] = [
      ...touched.map((row, i): KefuEvent => {
        const ticket = touchedViews[i];
        if (!ticket) throw new Error('ticket view missing');
        const scope = { ticketId: row.id, assigneeId: row.assignee_id, teamId: row.team_id };
        return { type: 'ticket.updated', actor, ...scope, ticket, changes: ['messages'], previous: { assigneeId: row.assignee_id, teamId: row.team_id } };
      }),
      ...tickets.map(
        (t): KefuEvent => ({ type: 'ticket.deleted', actor, ticketId: t.id, assigneeId: t.assignee_id, teamId: t.team_id }),
      ),
      { type: 'contact.deleted', actor, contactId: id, ticketIds },
    ];
    onCommit(() => events.forEach((e) => ctx.bus.emit(e)));
    return files.map((f) => f.sha256);
  });
  await removeOrphanFiles(ctx, hashes);
}
