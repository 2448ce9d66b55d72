import type { AnyDatabase } from '../db/postgres.js';
import { now } from '../db/database.js';
import type { EventBus } from '../realtime/bus.js';
import type { KefuEvent } from '../realtime/events.js';
import { presentMessages } from '../modules/tickets/presenter.js';
import type { DeliveryStatus } from '../modules/tickets/tables.js';

/**
 * Records an outbound message's delivery status and tells the agents watching its ticket.
 * `error` with status 'queued' means "retrying after this error".
 */
export async function setDeliveryStatus(
  deps: { database: AnyDatabase; bus: EventBus<KefuEvent> },
  messageId: number,
  status: DeliveryStatus,
  error: string | null = null,
): Promise<void> {
  await deps.database.transaction(async (tx, onCommit) => {
    let update = tx
      .updateTable('messages')
      .set({ delivery_status: status, delivery_error: error, delivery_updated_at: now() })
      .where('id', '=', messageId);
    // A provider's receipt can arrive before the outbox records its own 'sent': that must not undo it.
    if (status === 'sent') update = update.where((eb) => eb.or([eb('delivery_status', 'is', null), eb('delivery_status', 'not in', ['delivered', 'read'])]));
    const message = await update.returningAll().executeTakeFirst();
    if (!message) return;
    const ticket = await tx
      .selectFrom('tickets')
      .select(['id', 'assignee_id', 'team_id'])
      .where('id', '=', message.ticket_id)
      .executeTakeFirstOrThrow();
    const [view] = await presentMessages(tx, [message]);
    if (!view) return;
    onCommit(() =>
      deps.bus.emit({
        type: 'message.updated',
        actor: { kind: 'system' },
        ticketId: ticket.id,
        assigneeId: ticket.assignee_id,
        teamId: ticket.team_id,
        message: view,
      }),
    );
  });
}
