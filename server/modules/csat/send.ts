import type { AppContext } from '../../context.js';
import type { PlainEmailPayload } from '../../channels/email/payloads.js';
import { now, type Tx } from '../../db/database.js';
import { enqueue } from '../../outbox/queue.js';
import { parseJsonObject } from '../tickets/json.js';
import { findTicket, type TicketRow } from '../tickets/queries.js';
import { surveyMail } from './mail.js';
import { loadCsatSettings, surveyLanguage, type CsatSettings } from './settings.js';
import { signSurveyToken } from './token.js';

const BATCH = 100;

export const surveyLink = (ctx: AppContext, ticketId: number, surveyId: string): string =>
  `${ctx.config.server.public_url}/csat/${signSurveyToken(ctx.secret, ticketId, surveyId)}`;

/**
 * Sends every survey that fell due by `at`. Each is claimed in the transaction that queues its mail,
 * conditioned on still being scheduled: a run overlapping another, or one after a restart, finds it
 * taken and sends nothing, so a ticket's survey goes out exactly once.
 */
export async function sendDueSurveys(ctx: AppContext, at = now()): Promise<{ sent: number; skipped: number }> {
  const settings = await loadCsatSettings(ctx.db);
  const due = await ctx.db
    .selectFrom('csat_surveys')
    .select('id')
    .where('status', '=', 'scheduled')
    .where('due_at', '<=', at)
    .orderBy('due_at')
    .limit(BATCH)
    .execute();
  const done = { sent: 0, skipped: 0 };
  for (const { id } of due) {
    const outcome = await sendOne(ctx, settings, id, at);
    if (outcome === 'sent') done.sent++;
    else if (outcome !== null) done.skipped++;
  }
  if (done.sent > 0) ctx.outbox.nudge();
  return done;
}

/** Why a due survey is not sent, or null when it may be. Re-checked at send time: events may have been missed while stopped. */
async function skipReason(tx: Tx, settings: CsatSettings, ticket: TicketRow | undefined, contact: { email: string | null; email_verified: number } | undefined): Promise<string | null> {
  if (!settings.enabled) return 'disabled';
  if (!ticket) return 'deleted';
  if (ticket.merged_into_id !== null) return 'merged';
  if (ticket.status !== 'resolved' && ticket.status !== 'closed') return 'reopened';
  if (parseJsonObject(ticket.custom_fields).spam === true) return 'spam';
  // A typed, unproven address is not mailed: Kefu would be mailing whoever someone named.
  if (!contact?.email || contact.email_verified !== 1) return 'no_email';
  // A chat rated in the widget, or a rating from before: one rating per ticket is what reports count.
  if (await tx.selectFrom('csat_ratings').select('id').where('ticket_id', '=', ticket.id).executeTakeFirst()) return 'already_rated';
  const inbound = await tx.selectFrom('messages').select('meta').where('ticket_id', '=', ticket.id).where('kind', '=', 'inbound').orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (parseJsonObject(inbound?.meta ?? null).autoReply) return 'auto_submitted';
  return null;
}

/** The ticket's own mailbox, as replies use; a ticket from another channel gets the first mailbox that sends. */
function mailboxFor(ctx: AppContext, ticket: TicketRow): string | null {
  const boxes = ctx.config.channels.email.filter((c) => c.smtp);
  if (ticket.channel_kind === 'email') return boxes.find((c) => c.name === ticket.channel_name)?.name ?? null;
  return boxes[0]?.name ?? null;
}

async function sendOne(ctx: AppContext, settings: CsatSettings, surveyId: string, at: number): Promise<'sent' | 'skipped' | null> {
  return ctx.database.transaction(async (tx) => {
    const survey = await tx.selectFrom('csat_surveys').selectAll().where('id', '=', surveyId).where('status', '=', 'scheduled').executeTakeFirst();
    if (!survey) return null;
    const ticket = await findTicket(tx, survey.ticket_id);
    const contact = ticket ? await tx.selectFrom('contacts').select(['name', 'email', 'email_verified', 'language']).where('id', '=', ticket.contact_id).executeTakeFirst() : undefined;
    const mailbox = ticket ? mailboxFor(ctx, ticket) : null;
    const reason = (await skipReason(tx, settings, ticket, contact)) ?? (mailbox === null ? 'no_mailbox' : null);
    // Whether this run took the survey: on PostgreSQL an overlapping run may have read it as
    // scheduled too, and only one update of its status finds it still scheduled.
    const claim = async (set: { status: 'sent' | 'skipped'; skip_reason: string | null; sent_at: number | null }): Promise<boolean> => {
      const result = await tx.updateTable('csat_surveys').set({ ...set, due_at: null, updated_at: at }).where('id', '=', surveyId).where('status', '=', 'scheduled').executeTakeFirst();
      return result.numUpdatedRows > 0n;
    };
    if (reason !== null || !ticket || !contact?.email || mailbox === null) {
      if (!(await claim({ status: 'skipped', skip_reason: reason, sent_at: null }))) return null;
      ctx.logger.info({ subsystem: 'csat', ticketId: survey.ticket_id, reason }, 'survey skipped');
      return 'skipped';
    }
    const language = surveyLanguage(contact.language ?? survey.language);
    const mail = surveyMail({
      language,
      scale: survey.scale,
      contactName: contact.name,
      ticketSubject: ticket.subject,
      link: surveyLink(ctx, ticket.id, survey.id),
      questions: settings.questions,
    });
    const payload: PlainEmailPayload = {
      type: 'plain',
      to: contact.email,
      // The sender adds the ticket's [#n] token and threads it into the ticket's conversation.
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      ticketId: ticket.id,
      autoSubmitted: 'auto-generated',
    };
    if (!(await claim({ status: 'sent', skip_reason: null, sent_at: at }))) return null;
    await tx.updateTable('csat_surveys').set({ language }).where('id', '=', surveyId).execute();
    await enqueue(tx, { kind: 'email', channelName: mailbox, payload: { ...payload } });
    ctx.logger.info({ subsystem: 'csat', ticketId: ticket.id }, 'survey queued');
    return 'sent';
  });
}
