// Reports: typed calls to /api/v1/reports, the page's parameters as they sit in the hash, and the
// arithmetic of local days in a chosen time zone.
import type { ApiClient } from '../../shared/api.js';

export interface Duration {
  median: number | null;
  p90: number | null;
  average: number | null;
  count: number;
}

export interface PeriodFigures {
  ticketsCreated: number;
  ticketsResolved: number;
  ticketsReopened: number;
  firstResponseTime: Duration;
  nextResponseTime: { average: number | null; count: number };
  resolutionTime: Duration;
  firstContactResolutionRate: number | null;
  reopenRate: number | null;
  slaCompliance: Array<{ target: string; met: number; breached: number; rate: number | null }>;
  csat: { average: number | null; distribution: Record<string, number>; responses: number; offered: number; responseRate: number | null; satisfactionRate: number | null };
  chat: { chats: number; waitTime: Duration; missed: number; botHandled: number; botDeflected: number; deflectionRate: number | null };
}

export interface Overview extends PeriodFigures {
  previous: PeriodFigures & { from: string; to: string };
}

export interface Heatmap {
  cells: number[][];
  total: number;
  max: number;
}

export interface Volume {
  days: string[];
  created: number[];
  resolved: number[];
}

export type Breakdown = 'channel' | 'team' | 'agent' | 'label' | 'priority';
export const BREAKDOWNS: Breakdown[] = ['channel', 'team', 'agent', 'label', 'priority'];

export interface BreakdownRow {
  key: string | null;
  name: string;
  ticketsCreated: number;
  ticketsResolved: number;
  firstResponseTime: Duration;
  resolutionTime: Duration;
  firstContactResolutionRate: number | null;
  reopenRate: number | null;
  csatAverage: number | null;
  csatResponses: number;
}

export interface AgentRow {
  agentId: number;
  name: string;
  assigned: number;
  replied: number;
  resolved: number;
  firstResponseTime: Duration;
  csatAverage: number | null;
  csatResponses: number;
  onlineSeconds: number;
  awaySeconds: number;
}

/** What the page shows: inclusive local days, a zone, filters and the breakdown. */
export interface ReportParams {
  from: string;
  to: string;
  tz: string;
  channel?: string | undefined;
  team?: number | undefined;
  agent?: number | undefined;
  label?: string | undefined;
  priority?: string | undefined;
  by: Breakdown;
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Milliseconds the zone's clock is ahead of UTC at an instant. */
function offsetAt(tz: string, instant: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' }).formatToParts(instant);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour') % 24, n('minute')) - Math.floor(instant / 60_000) * 60_000;
}

/** The instant a local day starts in the zone (DST-safe: the offset is checked at the answer). */
export function zoneMidnight(day: string, tz: string): number {
  const wall = Date.parse(`${day}T00:00:00Z`);
  const first = wall - offsetAt(tz, wall);
  return wall - offsetAt(tz, first);
}

/** Today in the zone, YYYY-MM-DD. */
export function zoneToday(tz: string, now = Date.now()): string {
  return new Date(now + offsetAt(tz, now)).toISOString().slice(0, 10);
}

export const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

export function defaultParams(tz: string): ReportParams {
  const to = zoneToday(tz);
  return { from: addDays(to, -29), to, tz, by: 'channel' };
}

export function parseReportParams(query: string, fallbackTz: string): ReportParams {
  const u = new URLSearchParams(query);
  const tz = u.get('tz') || fallbackTz;
  const d = defaultParams(tz);
  const from = u.get('from') ?? '';
  const to = u.get('to') ?? '';
  const by = u.get('by') as Breakdown | null;
  const num = (k: string) => (Number.isInteger(Number(u.get(k))) && Number(u.get(k)) > 0 ? Number(u.get(k)) : undefined);
  return {
    from: DATE.test(from) ? from : d.from,
    to: DATE.test(to) ? to : d.to,
    tz,
    channel: u.get('channel') || undefined,
    team: num('team'),
    agent: num('agent'),
    label: u.get('label') || undefined,
    priority: u.get('priority') || undefined,
    by: by && BREAKDOWNS.includes(by) ? by : 'channel',
  };
}

export function formatReportParams(p: ReportParams): string {
  const u = new URLSearchParams({ from: p.from, to: p.to, tz: p.tz });
  for (const k of ['channel', 'team', 'agent', 'label', 'priority'] as const) if (p[k] !== undefined && p[k] !== '') u.set(k, String(p[k]));
  if (p.by !== 'channel') u.set('by', p.by);
  return u.toString();
}

/** The API's query for these parameters: the inclusive local days become a half-open range of instants. */
export function apiQuery(p: ReportParams): Record<string, string | number | undefined> {
  return {
    from: new Date(zoneMidnight(p.from, p.tz)).toISOString(),
    to: new Date(zoneMidnight(addDays(p.to, 1), p.tz)).toISOString(),
    timezone: p.tz,
    channel: p.channel,
    teamId: p.team,
    agentId: p.agent,
    label: p.label,
    priority: p.priority,
  };
}

export const reports = {
  overview: (api: ApiClient, p: ReportParams, signal?: AbortSignal) => api.get<Overview>('/reports/overview', apiQuery(p), signal),
  heatmap: (api: ApiClient, p: ReportParams, signal?: AbortSignal) => api.get<Heatmap>('/reports/heatmap', apiQuery(p), signal),
  volume: (api: ApiClient, p: ReportParams, signal?: AbortSignal) => api.get<Volume>('/reports/volume', apiQuery(p), signal),
  breakdown: (api: ApiClient, p: ReportParams, signal?: AbortSignal) =>
    api.get<{ rows: BreakdownRow[] }>('/reports/breakdown', { ...apiQuery(p), by: p.by }, signal),
  agents: (api: ApiClient, p: ReportParams, signal?: AbortSignal) => api.get<{ rows: AgentRow[] }>('/reports/agents', apiQuery(p), signal),
};

/** A download link: the browser sends the session cookie with it. */
export function csvUrl(path: string, query: Record<string, string | number | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') u.set(k, String(v));
  return `/api/v1${path}?${u.toString()}`;
}

/** Relative change, or null when there is nothing to compare with. */
export function change(now: number | null, before: number | null): number | null {
  if (now === null || before === null || before === 0) return null;
  return (now - before) / before;
}
