import type { AppContext } from '../../context.js';
import { randomToken } from '../../crypto.js';
import { now, type DbOrTx } from '../../db/database.js';
import { findTicket } from '../tickets/queries.js';
import { loadCsatSettings, surveyLanguage } from './settings.js';

const inFlight = new WeakMap<AppContext, Set<Promise<void>>>();

/** Resolves once every survey scheduling started so far has committed (tests; shutdown). */
export async function csatIdle(ctx: AppContext): Promise<void> {
  await Promise.all([...(inFlight.get(ctx) ?? [])]);
}

/**
 * A resolved ticket gets its survey scheduled for `delayMinutes` later; a ticket reopened before then
 * has it cancelled, and resolving it again schedules it anew. Once sent or skipped, a survey is final:
 * a ticket is surveyed at most once. Rides on the ticket events; nothing calls this directly.
 */
export function startCsatSurveys(ctx: AppContext): () => void {
  const log = ctx.logger.child({ subsystem: 'csat' });
  const pending = new Set<Promise<void>>();
  inFlight.set(ctx, pending);
  const track = (p: Promise<void>) => {
    const done = p.catch((err: unknown) => log.error({ err }, 'survey scheduling failed')).finally(() => pending.delete(done));
    pending.add(done);
  };
  const offs = [
    ctx.bus.on('ticket.updated', (e) => {
      if (!e.changes.includes('status')) return;
      track(followStatus(ctx, e.ticketId));
    }),
    ctx.bus.on('ticket.merged', (e) => track(cancelSurvey(ctx.db, e.ticketId, 'merged'))),
  ];
  return () => offs.forEach((off) => off());
}

async function followStatus(ctx: AppContext, ticketId: number): Promise<void> {
  await ctx.database.transaction(async (tx) => {
    const ticket = await findTicket(tx, ticketId);
    if (!ticket) return;
    if (ticket.status === 'resolved') return scheduleSurvey(tx, ticketId);
    // Closing a resolved ticket keeps its survey; anything else means the customer is not done.
    if (ticket.status !== 'closed') await cancelSurvey(tx, ticketId, 'reopened');
  });
}

async function scheduleSurvey(db: DbOrTx, ticketId: number): Promise<void> {
  const settings = await loadCsatSettings(db);
  if (!settings.enabled) return;
  const ticket = await findTicket(db, ticketId);
  if (!ticket || !settings.channels.includes(ticket.channel_kind)) return;
  const contact = await db.selectFrom('contacts').select('language').where('id', '=', ticket.contact_id).executeTakeFirst();
  const at = now();
  const due = at + settings.delayMinutes * 60_000;
  const language = surveyLanguage(contact?.language ?? null);
  await db
    .insertInto('csat_surveys')
    .values({ id: randomToken(18), ticket_id: ticketId, contact_id: ticket.contact_id, status: 'scheduled', due_at: due, language, scale: settings.scale, created_at: at, updated_at: at })
    .onConflict((oc) =>
      oc
        .column('ticket_id')
        .doUpdateSet({ status: 'scheduled', due_at: due, language, scale: settings.scale, skip_reason: null, updated_at: at })
        .where('csat_surveys.status', 'in', ['scheduled', 'cancelled']),
    )
    .execute();
}

async function cancelSurvey(db: DbOrTx, ticketId: number, reason: string): Promise<void> {
  await db
    .updateTable('csat_surveys')
    .set({ status: 'cancelled', due_at: null, skip_reason: reason, updated_at: now() })
    .where('ticket_id', '=', ticketId)
    .where('status', '=', 'scheduled')
    .execute();
}
