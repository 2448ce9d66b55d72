import type { DbOrTx, Tx } from '../db/database.js';
import { prepared } from '../db/prepared.js';
import type { ContactRow } from '../modules/contacts/queries.js';
import { presentTicket } from '../modules/tickets/presenter.js';
import { labelNamesOf, type TicketRow } from '../modules/tickets/queries.js';
import type { TicketView } from '../modules/tickets/schemas.js';

const contactSummary = prepared((db: DbOrTx, p: { id: number }) =>
  db.selectFrom('contacts').select(['id', 'name', 'email', 'phone']).where('id', '=', p.id),
);
const agentName = prepared((db: DbOrTx, p: { id: number }) => db.selectFrom('agents').select(['id', 'name']).where('id', '=', p.id));
const teamName = prepared((db: DbOrTx, p: { id: number }) => db.selectFrom('teams').select(['id', 'name']).where('id', '=', p.id));

/**
 * The ticket as intake's events carry it (read by nobody in particular): what presentOneTicket
 * makes of it, from the rows at hand where it can (the sender is usually the ticket's contact, a
 * ticket created just now has no labels) and one prepared lookup per reference otherwise. A reply
 * on an assigned ticket is the common message, and the batched page presenter built three queries
 * with `in` lists for it.
 */
export async function eventTicketView(tx: Tx, ticket: TicketRow, sender: ContactRow, created: boolean): Promise<TicketView> {
  const contact =
    ticket.contact_id === sender.id
      ? { id: sender.id, name: sender.name, email: sender.email, phone: sender.phone }
      : ((await contactSummary.first(tx, { id: ticket.contact_id })) ?? { id: ticket.contact_id, name: null, email: null, phone: null });
  const assignee = ticket.assignee_id === null ? null : ((await agentName.first(tx, { id: ticket.assignee_id })) ?? null);
  const team = ticket.team_id === null ? null : ((await teamName.first(tx, { id: ticket.team_id })) ?? null);
  const labels = created ? [] : ((await labelNamesOf(tx, [ticket.id])).get(ticket.id) ?? []);
  return presentTicket(ticket, { contact, assignee, team, labels, unread: false });
}
