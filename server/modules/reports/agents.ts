import type { AnyDatabase } from '../../db/postgres.js';
import { rawRows } from '../../db/raw-rows.js';
import { csatFigures } from './overview.js';
import type { ReportQuery } from './params.js';
import { presenceSeconds } from './presence-log.js';
import { createdTotals, csatScores, firstResponsesByGroup, resolutionsByGroup } from './queries.js';
import { dimension, scopeOf } from './scope.js';
import { Samples, type DurationStats } from './stats.js';

export interface AgentRow {
  agentId: number;
  name: string;
  /** tickets created in the period and assigned to the agent now */
  assigned: number;
  /** tickets the agent gave the first response to in the period */
  replied: number;
  /** tickets the agent resolved in the period */
  resolved: number;
  /** of the first responses the agent gave */
  firstResponseTime: DurationStats;
  csatAverage: number | null;
  csatResponses: number;
  /** time online and away within the period, from the presence history, in seconds */
  onlineSeconds: number;
  awaySeconds: number;
}

interface Tally {
  assigned: number;
  replied: number;
  resolved: number;
  frt: Samples;
  scores: Array<[unknown, number, number]>;
  online: number;
  away: number;
}

/**
 * One row per active agent (and per inactive one with figures in the period). A first response is
 * credited to whoever wrote it, not to the assignee, and a resolution to whoever resolved it.
 */
export async function agentsReport(database: AnyDatabase, q: ReportQuery, at = Date.now()): Promise<{ from: string; to: string; timezone: string; rows: AgentRow[] }> {
  const src = rawRows(database);
  const scope = await scopeOf(src, q.filters);
  const byAssignee = dimension(src, 'agent');
  const tallies = new Map<number, Tally>();
  const tally = (id: number): Tally => {
    let t = tallies.get(id);
    if (!t) tallies.set(id, (t = { assigned: 0, replied: 0, resolved: 0, frt: new Samples(), scores: [], online: 0, away: 0 }));
    return t;
  };
  for (const [id] of await src.all<[number]>('select id from agents where active = 1')) tally(id);
  for (const [id, n] of await createdTotals(src, q.period, scope, byAssignee)) if (typeof id === 'number') tally(id).assigned += n;
  // Credit goes to the writer of the first response and to whoever resolved, not to the assignee.
  const responder = { key: 't.first_responder_id', join: '' };
  const resolver = { key: 'coalesce(t.resolved_by_id, t.assignee_id)', join: '' };
  for (const [id, json] of await firstResponsesByGroup(src, q.period, scope, responder)) {
    if (typeof id !== 'number') continue;
    const t = tally(id);
    t.frt = Samples.ofJson(json);
    t.replied = t.frt.count;
  }
  for (const [id, , resolved] of await resolutionsByGroup(src, q.period, scope, resolver)) if (typeof id === 'number') tally(id).resolved += resolved;
  for (const row of await csatScores(src, q.period, scope, byAssignee)) if (typeof row[0] === 'number') tally(row[0]).scores.push(row);
  // Presence is the agent's, whatever tickets the filters pick.
  for (const [id, seconds] of await presenceSeconds(src, q.period, at)) Object.assign(tally(id), seconds);

  const ids = [...tallies.keys()];
  const names = new Map(
    ids.length ? await src.all<[number, string]>(`select id, name from agents where id in (${ids.map(() => '?').join(',')})`, ids) : [],
  );
  const rows = ids
    .filter((id) => names.has(id))
    .map((id): AgentRow => {
      const t = tallies.get(id) as Tally;
      const csat = csatFigures(t.scores, 0);
      return {
        agentId: id,
        name: names.get(id) ?? '',
        assigned: t.assigned,
        replied: t.replied,
        resolved: t.resolved,
        firstResponseTime: t.frt.stats(),
        csatAverage: csat.average,
        csatResponses: csat.responses,
        onlineSeconds: t.online,
        awaySeconds: t.away,
      };
    })
    .sort((a, b) => b.resolved - a.resolved || b.replied - a.replied || a.name.localeCompare(b.name));
  return { from: new Date(q.period.from).toISOString(), to: new Date(q.period.to).toISOString(), timezone: q.timezone, rows };
}
