import type { AppContext } from '../../context.js';
import type { PlainEmailPayload } from '../../channels/email/payloads.js';
import { now, type Tx } from '../../db/database.js';
import type { AnyDatabase } from '../../db/postgres.js';
import { enqueue } from '../../outbox/queue.js';
import { surveyLanguage } from '../csat/settings.js';
import { heatmap } from '../reports/heatmap.js';
import { overview } from '../reports/overview.js';
import { parseReportQuery, type Period } from '../reports/params.js';
import { digestMail, type BusiestHour, type DigestFigures } from './mail.js';
import { digestPeriod, lastScheduledMinute, periodDays } from './period.js';
import { loadReportSettings, type DigestSettings } from './settings.js';

export interface DigestOutcome {
  period: Period;
  status: 'sent' | 'skipped';
  recipients: number;
  skipReason: string | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function busiestOf(cells: number[][]): BusiestHour | null {
  let best: BusiestHour | null = null;
  cells.forEach((hours, weekday) =>
    hours.forEach((tickets, hour) => {
      if (tickets > 0 && (best === null || tickets > best.tickets)) best = { weekday, hour, tickets };
    }),
  );
  return best;
}

/** The week's figures as GET /reports/overview and /reports/heatmap give them for the same range and zone. */
export async function digestFigures(database: AnyDatabase, period: Period, timezone: string): Promise<DigestFigures> {
  const q = parseReportQuery({ from: iso(period.from), to: iso(period.to), timezone });
  const before = { ...q, period: q.previous };
  return {
    overview: await overview(database, q),
    busiest: { current: busiestOf((await heatmap(database, q)).cells), previous: busiestOf((await heatmap(database, before)).cells) },
  };
}

/** The link the digest opens: the Reports page on the digest's week and zone. */
export function reportsLink(ctx: AppContext, timezone: string, period: Period): string {
  const { first, last } = periodDays(timezone, period);
  const query = new URLSearchParams({ from: first, to: last, tz: timezone });
  return `${ctx.config.server.public_url.replace(/\/+$/, '')}/#/reports?${query.toString()}`;
}

/** Kefu's first mailbox that can send: a digest belongs to no ticket and so to no ticket's mailbox. */
const mailbox = (ctx: AppContext): string | null => ctx.config.channels.email.find((c) => c.smtp)?.name ?? null;

/**
 * Sends the digest whose scheduled time is the latest at or before `at`, unless its week was sent.
 * The week is claimed (its row inserted, keyed by the week's start) in the transaction that queues
 * its mails: a run overlapping another, or one after a restart, finds the claim and sends nothing.
 */
export async function sendDueDigest(ctx: AppContext, at = now()): Promise<DigestOutcome | null> {
  const settings = (await loadReportSettings(ctx.db)).digest;
  if (!settings.enabled) return null;
  const scheduled = lastScheduledMinute(settings, at);
  if (scheduled === null) return null;
  const period = digestPeriod(settings.timezone, scheduled);
  const claimed = await ctx.db.selectFrom('report_digests').select('period_start').where('period_start', '=', period.from).executeTakeFirst();
  if (claimed) return null;
  const figures = await digestFigures(ctx.database, period, settings.timezone);
  const outcome = await ctx.database.transaction((tx) => claimAndQueue(ctx, tx, settings, period, figures, at));
  if (outcome?.status === 'sent') ctx.outbox.nudge();
  if (outcome) ctx.logger.info({ subsystem: 'digest', periodStart: iso(period.from), status: outcome.status, recipients: outcome.recipients, reason: outcome.skipReason }, 'weekly digest processed');
  return outcome;
}

async function claimAndQueue(ctx: AppContext, tx: Tx, settings: DigestSettings, period: Period, figures: DigestFigures, at: number): Promise<DigestOutcome | null> {
  const recipients = await tx
    .selectFrom('agents')
    .select(['name', 'email', 'language'])
    .where('role', 'in', ['admin', 'supervisor'])
    .where('active', '=', 1)
    .orderBy('id')
    .execute();
  const box = mailbox(ctx);
  const skipReason = box === null ? 'no_mailbox' : recipients.length === 0 ? 'no_recipients' : null;
  const status = skipReason === null ? 'sent' : 'skipped';
  const claim = await tx
    .insertInto('report_digests')
    .values({ period_start: period.from, period_end: period.to, status, recipients: skipReason === null ? recipients.length : 0, skip_reason: skipReason, created_at: at })
    .onConflict((oc) => oc.column('period_start').doNothing())
    .executeTakeFirst();
  if (Number(claim.numInsertedOrUpdatedRows ?? 0) === 0) return null;
  if (skipReason !== null || box === null) return { period, status: 'skipped', recipients: 0, skipReason };
  const { first, last } = periodDays(settings.timezone, period);
  const link = reportsLink(ctx, settings.timezone, period);
  for (const r of recipients) {
    const mail = digestMail({ language: surveyLanguage(r.language), name: r.name, first, last, timezone: settings.timezone, figures, link });
    const payload: PlainEmailPayload = { type: 'plain', to: r.email, subject: mail.subject, text: mail.text, html: mail.html, autoSubmitted: 'auto-generated' };
    await enqueue(tx, { kind: 'email', channelName: box, payload: { ...payload } });
  }
  return { period, status: 'sent', recipients: recipients.length, skipReason: null };
}
