import type { AppContext } from '../../context.js';
import type { Tx } from '../../db/database.js';
import type { TicketRow } from './queries.js';

/** An approved message template (WhatsApp) sent instead of free text. */
export interface ReplyTemplate {
  name: string;
  language: string;
}

/**
 * A channel's rule about what a reply may be right now (WhatsApp's 24-hour window). It throws an
 * AppError the composer shows; channels register one per kind, so tickets need not know them.
 */
export interface ReplyShape {
  text: string;
  template: ReplyTemplate | undefined;
  attachmentCount: number;
}

export type ReplyCheck = (tx: Tx, ticket: TicketRow, reply: ReplyShape) => Promise<void>;

const checks = new WeakMap<AppContext, Map<string, ReplyCheck>>();

export function registerReplyCheck(ctx: AppContext, kind: string, check: ReplyCheck): void {
  const map = checks.get(ctx) ?? new Map<string, ReplyCheck>();
  map.set(kind, check);
  checks.set(ctx, map);
}

export async function checkReply(
  ctx: AppContext,
  tx: Tx,
  ticket: TicketRow,
  reply: ReplyShape,
): Promise<boolean> {
  const check = checks.get(ctx)?.get(ticket.channel_kind);
  if (check) await check(tx, ticket, reply);
  return check !== undefined;
}
