import type { AppContext } from '../context.js';
import type { Tx } from '../db/database.js';
import type { ContactRow } from '../modules/contacts/queries.js';
import type { TicketRow } from '../modules/tickets/queries.js';

/** A ticket intake has just created, with the facts intake already holds about it. */
export interface NewTicket {
  ticket: TicketRow;
  /** the sender, who is the ticket's contact */
  contact: ContactRow;
  /** when its first (and only) message arrived */
  messageAt: number;
}

/**
 * Runs inside intake's transaction, before the ticket's events are built, and returns the ticket
 * as it now is (the same row when it changed nothing). Callbacks given to onCommit run after the
 * commit and before the events go out. A hook that throws fails the intake: catch what may be left
 * for later.
 */
export type NewTicketHook = (tx: Tx, created: NewTicket, onCommit: (cb: () => void) => void) => Promise<TicketRow>;

const hooks = new WeakMap<AppContext, NewTicketHook[]>();

/**
 * Lets a module finish a new ticket in intake's own transaction, from facts intake already read,
 * without intake knowing the module. Returns the unregister.
 */
export function onNewTicket(ctx: AppContext, hook: NewTicketHook): () => void {
  const list = hooks.get(ctx) ?? [];
  hooks.set(ctx, [...list, hook]);
  return () => hooks.set(ctx, (hooks.get(ctx) ?? []).filter((h) => h !== hook));
}

export async function runNewTicketHooks(ctx: AppContext, tx: Tx, created: NewTicket, onCommit: (cb: () => void) => void): Promise<TicketRow> {
  let ticket = created.ticket;
  for (const hook of hooks.get(ctx) ?? []) ticket = await hook(tx, { ...created, ticket }, onCommit);
  return ticket;
}
