import type { KefuEvent } from './events.js';
import type { JournalScope } from './journal.js';

function sameScope(a: JournalScope, b: JournalScope): boolean {
  return (
    a.ticketId === b.ticketId &&
    a.assigneeId === b.assigneeId &&
    a.teamId === b.teamId &&
    a.previous?.assigneeId === b.previous?.assigneeId &&
    a.previous?.teamId === b.previous?.teamId
  );
}

/**
 * What agent sockets are sent of the bus's events: the JSON the journal keeps, pushes live and
 * replays. Every byte of it is written to every socket allowed to see the event (200 agents make
 * a 2 KB event 400 KB of socket writes, most of intake's system time), so agents get what the app
 * reads and no more:
 *
 * - no `contact.created`: the app has no use for it (a new contact's first ticket follows in
 *   `ticket.created`, with the contact's name), and integrations have the webhook.
 * - a `message.created` without `ticket` when the event journaled just before it, with the same
 *   scope, carried that same ticket: a new ticket's first message, whose `ticket.created` holds the
 *   ticket as it is after the message. Same scope, same recipients, live and on replay.
 */
export class AgentEventPayloads {
  /** Whether agent sockets are sent the event at all: `payload` gives null for the others. */
  static sent(event: KefuEvent): boolean {
    return event.type !== 'contact.created';
  }

  /** The ticket (one presented view, shared by the events of one commit) the last event carried. */
  #last: { ticket: unknown; scope: JournalScope } | null = null;

  /** The event as agent sockets get it, or null when they are not sent it. */
  payload(event: KefuEvent, scope: JournalScope): string | null {
    if (!AgentEventPayloads.sent(event)) return null;
    const last = this.#last;
    const ticket = 'ticket' in event ? event.ticket : undefined;
    this.#last = ticket ? { ticket, scope } : null;
    if (event.type === 'message.created' && last !== null && last.ticket === ticket && sameScope(last.scope, scope)) {
      return JSON.stringify({ ...event, ticket: undefined });
    }
    return JSON.stringify(event);
  }
}
