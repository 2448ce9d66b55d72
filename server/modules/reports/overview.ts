import type { AnyDatabase } from '../../db/postgres.js';
import { rawRows, type RawRows } from '../../db/raw-rows.js';
import { businessFigures, calendarFor, type BusinessFigures } from './business.js';
import type { Period, ReportQuery } from './params.js';
import { createdTotals, csatOffered, csatScores, firstResponseSamples, reopenedCount, resolvedSamples, slaOutcomes } from './queries.js';
import { scopeOf, type Scope } from './scope.js';
import { rate, Samples, type DurationStats } from './stats.js';

export interface CsatFigures {
  /** 1–5 */
  average: number | null;
  /** ratings per score, "1" to "5" */
  distribution: Record<string, number>;
  responses: number;
  /** chats that offered a rating */
  offered: number;
  responseRate: number | null;
  /** share of ratings that are 4 or 5 */
  satisfactionRate: number | null;
}

export interface SlaFigures {
  target: string;
  met: number;
  breached: number;
  rate: number | null;
}

export interface PeriodFigures {
  ticketsCreated: number;
  ticketsResolved: number;
  ticketsReopened: number;
  firstResponseTime: DurationStats;
  nextResponseTime: { average: number | null; count: number };
  resolutionTime: DurationStats;
  firstContactResolutionRate: number | null;
  reopenRate: number | null;
  slaCompliance: SlaFigures[];
  csat: CsatFigures;
  chat: ChatFigures;
}

export interface ChatFigures {
  chats: number;
  waitTime: DurationStats;
  missed: number;
  /** widget chats the answer bot took (answered, offered articles or handed over) */
  botHandled: number;
  /** of those, the ones the visitor said the bot solved before any agent wrote */
  botDeflected: number;
  deflectionRate: number | null;
}

export interface Overview extends PeriodFigures {
  /** with ?businessHoursId: the same times counted in that calendar's open hours */
  businessHours?: BusinessFigures;
  from: string;
  to: string;
  timezone: string;
  previous: PeriodFigures & { from: string; to: string; businessHours?: BusinessFigures };
}

export function csatFigures(scores: Iterable<[unknown, number, number]>, offered: number): CsatFigures {
  const distribution: Record<string, number> = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  let responses = 0;
  let sum = 0;
  let happy = 0;
  for (const [, score, n] of scores) {
    distribution[String(score)] = (distribution[String(score)] ?? 0) + n;
    responses += n;
    sum += score * n;
    if (score >= 4) happy += n;
  }
  return {
    average: responses === 0 ? null : Math.round((sum / responses) * 100) / 100,
    distribution,
    responses,
    offered,
    responseRate: rate(responses, Math.max(offered, responses)),
    satisfactionRate: rate(happy, responses),
  };
}

async function figures(src: RawRows, p: Period, scope: Scope): Promise<PeriodFigures> {
  let created = 0;
  let missed = 0;
  let chats = 0;
  let botHandled = 0;
  let botDeflected = 0;
  let nextSum = 0;
  let nextCount = 0;
  for (const [, n, m, ns, nc, c, bh, bd] of await createdTotals(src, p, scope)) {
    created += n;
    botHandled += bh;
    botDeflected += bd;
    missed += m;
    nextSum += ns;
    nextCount += nc;
    chats += c;
  }
  const responses = await firstResponseSamples(src, p, scope);
  const frt = Samples.ofJson(responses.all);
  const wait = Samples.ofJson(responses.chats);
  const { seconds, resolved, oneTouch, reopened } = await resolvedSamples(src, p, scope);
  const resolution = Samples.ofJson(seconds);
  const sla = (await slaOutcomes(src, p, scope)).map(([target, met, breached]) => ({ target, met, breached, rate: rate(met, met + breached) }));
  return {
    ticketsCreated: created,
    ticketsResolved: resolved,
    ticketsReopened: await reopenedCount(src, p, scope),
    firstResponseTime: frt.stats(),
    nextResponseTime: { average: nextCount === 0 ? null : Math.round(nextSum / nextCount), count: nextCount },
    resolutionTime: resolution.stats(),
    firstContactResolutionRate: rate(oneTouch, resolved),
    reopenRate: rate(reopened, resolved),
    slaCompliance: sla,
    csat: csatFigures(await csatScores(src, p, scope), await csatOffered(src, p, scope)),
    chat: { chats, waitTime: wait.stats(), missed, botHandled, botDeflected, deflectionRate: rate(botDeflected, botHandled) },
  };
}

const iso = (ms: number): string => new Date(ms).toISOString();

export async function overview(database: AnyDatabase, q: ReportQuery): Promise<Overview> {
  const src = rawRows(database);
  const scope = await scopeOf(src, q.filters);
  const cal = q.businessHoursId !== undefined ? await calendarFor(database.db, q.businessHoursId) : null;
  return {
    from: iso(q.period.from),
    to: iso(q.period.to),
    timezone: q.timezone,
    ...(await figures(src, q.period, scope)),
    ...(cal ? { businessHours: await businessFigures(src, q.period, scope, cal) } : {}),
    previous: {
      from: iso(q.previous.from),
      to: iso(q.previous.to),
      ...(await figures(src, q.previous, scope)),
      ...(cal ? { businessHours: await businessFigures(src, q.previous, scope, cal) } : {}),
    },
  };
}
