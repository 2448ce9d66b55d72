import type { AnyDatabase } from '../../db/postgres.js';
import { rawRows, type RawRows } from '../../db/raw-rows.js';
import { csatFigures } from './overview.js';
import type { Breakdown, ReportQuery } from './params.js';
import { createdTotals, csatScores, firstResponsesByGroup, resolutionsByGroup } from './queries.js';
import { dimension, scopeOf } from './scope.js';
import { rate, Samples, type DurationStats } from './stats.js';

type Key = string | number | null;

export interface BreakdownRow {
  /** the team, agent or label id, the channel name or the priority; null for "none" */
  key: string | null;
  name: string;
  ticketsCreated: number;
  ticketsResolved: number;
  firstResponseTime: DurationStats;
  resolutionTime: DurationStats;
  firstContactResolutionRate: number | null;
  reopenRate: number | null;
  csatAverage: number | null;
  csatResponses: number;
}

export interface BreakdownReport {
  by: Breakdown;
  from: string;
  to: string;
  timezone: string;
  rows: BreakdownRow[];
}

interface Group {
  created: number;
  resolved: number;
  oneTouch: number;
  reopened: number;
  frt: Samples;
  resolution: Samples;
  scores: Array<[Key, number, number]>;
}

const newGroup = (): Group => ({ created: 0, resolved: 0, oneTouch: 0, reopened: 0, frt: new Samples(), resolution: new Samples(), scores: [] });

/** Display names of the keys; ids that no longer resolve keep their number. */
async function namesOf(src: RawRows, by: Breakdown, keys: Key[]): Promise<Map<Key, string>> {
  const table = { team: 'teams', agent: 'agents', label: 'labels' }[by as 'team' | 'agent' | 'label'] as string | undefined;
  const names = new Map<Key, string>();
  if (table) {
    const ids = keys.filter((k) => k !== null);
    const found = ids.length ? await src.all<[number, string]>(`select id, name from ${table} where id in (${ids.map(() => '?').join(',')})`, ids) : [];
    for (const [id, name] of found) names.set(id, name);
  }
  for (const k of keys) if (!names.has(k)) names.set(k, k === null ? '' : String(k));
  return names;
}

export async function breakdown(database: AnyDatabase, q: ReportQuery, by: Breakdown): Promise<BreakdownReport> {
  const src = rawRows(database);
  const scope = await scopeOf(src, q.filters);
  const dim = dimension(src, by);
  const groups = new Map<Key, Group>();
  const group = (k: Key): Group => {
    let g = groups.get(k);
    if (!g) groups.set(k, (g = newGroup()));
    return g;
  };
  for (const [k, n] of await createdTotals(src, q.period, scope, dim)) group(k).created += n;
  for (const [k, json] of await firstResponsesByGroup(src, q.period, scope, dim)) group(k).frt = Samples.ofJson(json);
  for (const [k, json, resolved, oneTouch, reopened] of await resolutionsByGroup(src, q.period, scope, dim)) {
    Object.assign(group(k), { resolution: Samples.ofJson(json), resolved, oneTouch, reopened });
  }
  for (const row of await csatScores(src, q.period, scope, dim)) group(row[0]).scores.push(row);
  const names = await namesOf(src, by, [...groups.keys()]);
  const rows = [...groups.entries()].map(([k, g]): BreakdownRow => {
    const csat = csatFigures(g.scores, 0);
    return {
      key: k === null ? null : String(k),
      name: names.get(k) ?? '',
      ticketsCreated: g.created,
      ticketsResolved: g.resolved,
      firstResponseTime: g.frt.stats(),
      resolutionTime: g.resolution.stats(),
      firstContactResolutionRate: rate(g.oneTouch, g.resolved),
      reopenRate: rate(g.reopened, g.resolved),
      csatAverage: csat.average,
      csatResponses: csat.responses,
    };
  });
  rows.sort((a, b) => b.ticketsCreated - a.ticketsCreated || b.ticketsResolved - a.ticketsResolved || a.name.localeCompare(b.name));
  return { by, from: new Date(q.period.from).toISOString(), to: new Date(q.period.to).toISOString(), timezone: q.timezone, rows };
}
