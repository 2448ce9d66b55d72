import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { validTimeZone } from '../../../shared/format.js';
import { t, type MessageKey } from '../../../shared/i18n/i18n.js';
import { navigate } from '../../data/navigate.js';
import {
  apiQuery, BREAKDOWNS, browserZone, change, csvUrl, formatReportParams, parseReportParams, reports,
  type AgentRow, type Breakdown, type BreakdownRow, type Heatmap, type Overview, type ReportParams, type Volume,
} from '../../data/reports.js';
import { formatRoute, linkQuery, type LinkFilters } from '../../data/routes.js';
import { StoreController, storeContext, type AppStore } from '../../data/store.js';
import { icon } from '../../icons.js';
import { base } from '../../styles.js';
import { page } from '../page-styles.js';
import { count, duration, percent, score } from './figures.js';
import { heatmapGrid, heatmapStyles } from './heatmap.js';
import './kf-report-card.js';
import './kf-trend-chart.js';

const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
const ALL_STATUSES = 'open,pending,snoozed,resolved,closed';
const BY_LABEL: Record<Breakdown, MessageKey> = {
  channel: 'reports.filter.channel',
  team: 'reports.filter.team',
  agent: 'reports.filter.agent',
  label: 'reports.filter.label',
  priority: 'filter.priority',
};

function zones(): string[] {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return ['UTC', 'Asia/Shanghai', 'Asia/Taipei', 'Asia/Hong_Kong', 'Europe/London', 'America/New_York'];
  }
}

/** Reports for supervisors and admins: figures with definitions, a trend, the week's heatmap and tables. */
@customElement('kf-reports')
export class KfReports extends LitElement {
  static override styles = [
    base,
    page,
    heatmapStyles,
    css`
      .controls { display: flex; flex-wrap: wrap; gap: 10px 12px; align-items: end; margin-bottom: 16px; }
      .controls label { display: flex; flex-direction: column; gap: 4px; font-size: var(--kf-text-xs); color: var(--kf-text-muted); min-width: 0; }
      .controls .field { height: 32px; min-width: 8em; max-width: 14em; }
      .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 12px; margin-bottom: 16px; }
      .vs { color: var(--kf-text-faint); font-size: var(--kf-text-sm); margin: -6px 0 12px; }
      .two { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; margin-bottom: 16px; }
      .two .panel + .panel { margin-top: 0; }
      .panel > .body.tight { padding: 4px 0 0; }
      .panel > h2 select { height: 28px; font-size: var(--kf-text-sm); font-weight: 500; }
      .panel > h2 a.btn { text-decoration: none; }
      td a { color: var(--kf-accent); text-decoration: none; }
      td a:hover { text-decoration: underline; }
      td.num, th.num { text-align: right; }
      .sub { color: var(--kf-text-faint); font-size: var(--kf-text-xs); }
      .error { color: var(--kf-danger); padding: 24px; }
      .loading { padding: 40px; text-align: center; color: var(--kf-text-faint); }
      @media (max-width: 1000px) { .two { grid-template-columns: minmax(0, 1fr); } }
      @media (max-width: 700px) {
        .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px; }
        .controls .field { max-width: none; width: 100%; }
        .controls label { flex: 1 1 40%; }
        .page-head .btn span { display: none; }
      }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  private readonly _sc = new StoreController(this, () => this._store);
  /** The hash's query; the page's parameters are parsed from it, the agent's time zone by default. */
  @property() query = '';
  @state() params!: ReportParams;
  @state() private _overview: Overview | null = null;
  @state() private _heatmap: Heatmap | null = null;
  @state() private _volume: Volume | null = null;
  @state() private _breakdown: BreakdownRow[] | null = null;
  @state() private _agents: AgentRow[] | null = null;
  @state() private _error = '';
  private _abort: AbortController | null = null;

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (!changed.has('query')) return;
    const before = this.params as ReportParams | undefined;
    this.params = parseReportParams(this.query, validTimeZone(this._store.me.timezone) ?? browserZone());
    void this._load(before);
  }

  private async _load(before: ReportParams | undefined) {
    this._abort?.abort();
    const abort = (this._abort = new AbortController());
    const p = this.params;
    const api = this._store.api;
    const onlyBy = before !== undefined && formatReportParams({ ...before, by: p.by }) === formatReportParams(p);
    this._error = '';
    try {
      if (onlyBy) {
        this._breakdown = (await reports.breakdown(api, p, abort.signal)).rows;
        return;
      }
      const [overview, heatmap, volume, breakdown, agents] = await Promise.all([
        reports.overview(api, p, abort.signal),
        reports.heatmap(api, p, abort.signal),
        reports.volume(api, p, abort.signal),
        reports.breakdown(api, p, abort.signal),
        reports.agents(api, p, abort.signal),
      ]);
      Object.assign(this, { _overview: overview, _heatmap: heatmap, _volume: volume, _breakdown: breakdown.rows, _agents: agents.rows });
    } catch (err) {
      if (abort.signal.aborted) return;
      this._error = err instanceof Error && err.message ? err.message : t('reports.error');
    }
  }

  private _set(patch: Partial<ReportParams>) {
    const next = { ...this.params, ...patch };
    if (next.to < next.from) next.to = next.from;
    navigate(`#/reports?${formatReportParams(next)}`);
  }

  private _select(name: keyof ReportParams, e: Event) {
    const v = (e.target as HTMLSelectElement | HTMLInputElement).value;
    const numeric = name === 'team' || name === 'agent';
    this._set({ [name]: v === '' ? undefined : numeric ? Number(v) : v } as Partial<ReportParams>);
  }

  private _controls() {
    const p = this.params;
    const s = this._store;
    const channels = [...new Set([...Object.keys(s.counts?.byChannel ?? {}), ...s.channelKinds.keys()])].sort();
    const opt = (value: string | number, label: string, current: string | number | undefined) =>
      html`<option value=${value} ?selected=${String(current ?? '') === String(value)}>${label}</option>`;
    const any = html`<option value="">${t('reports.filter.any')}</option>`;
    return html`<div class="controls">
      <label>${t('reports.from')}<input class="field" type="date" name="from" .value=${p.from} max=${p.to} @change=${(e: Event) => this._set({ from: (e.target as HTMLInputElement).value || p.from })} /></label>
      <label>${t('reports.to')}<input class="field" type="date" name="to" .value=${p.to} min=${p.from} @change=${(e: Event) => this._set({ to: (e.target as HTMLInputElement).value || p.to })} /></label>
      <label>${t('reports.timezone')}<select class="field" name="tz" @change=${(e: Event) => this._select('tz', e)}>${zones().map((z) => opt(z, z, p.tz))}</select></label>
      <label>${t('reports.filter.channel')}<select class="field" name="channel" @change=${(e: Event) => this._select('channel', e)}>${any}${channels.map((c) => opt(c, c, p.channel))}</select></label>
      <label>${t('reports.filter.team')}<select class="field" name="team" @change=${(e: Event) => this._select('team', e)}>${any}${s.teams.map((tm) => opt(tm.id, tm.name, p.team))}</select></label>
      <label>${t('reports.filter.agent')}<select class="field" name="agent" @change=${(e: Event) => this._select('agent', e)}>${any}${s.agents.map((a) => opt(a.id, a.name, p.agent))}</select></label>
      <label>${t('reports.filter.label')}<select class="field" name="label" @change=${(e: Event) => this._select('label', e)}>${any}${s.labels.map((l) => opt(l.name, l.name, p.label))}</select></label>
      <label>${t('filter.priority')}<select class="field" name="priority" @change=${(e: Event) => this._select('priority', e)}>${any}${PRIORITIES.map((pr) => opt(pr, t(`priority.${pr}`), p.priority))}</select></label>
    </div>`;
  }

  /**
   * The ticket list behind a figure: every status, the page's filters, and the tickets created (or last
   * resolved) in the period, the same half-open range of instants the report counts.
   */
  private _ticketsHref(when: 'created' | 'resolved', extra: LinkFilters = {}): string {
    const p = this.params;
    const q = apiQuery(p);
    const link: LinkFilters = {
      [`${when}From`]: String(q.from),
      [`${when}To`]: String(q.to),
      status: ALL_STATUSES,
      channel: p.channel,
      label: p.label,
      team: p.team === undefined ? undefined : String(p.team),
      assignee: p.agent === undefined ? undefined : String(p.agent),
      priority: p.priority,
      ...extra,
    };
    return formatRoute({ name: 'inbox', view: 'all', ticketId: null, link: linkQuery(link) });
  }

  /** A breakdown row's tickets: the row's channel, label, team, agent or priority within the page's filters. */
  private _rowHref(by: Breakdown, key: string): string {
    const field = ({ channel: 'channel', label: 'label', team: 'team', agent: 'assignee', priority: 'priority' } as const)[by];
    return this._ticketsHref('created', { [field]: key });
  }

  private _cards(o: Overview) {
    const prev = o.previous;
    const sla = o.slaCompliance.reduce((a, x) => ({ met: a.met + x.met, breached: a.breached + x.breached }), { met: 0, breached: 0 });
    const slaRate = sla.met + sla.breached ? sla.met / (sla.met + sla.breached) : null;
    const prevSla = prev.slaCompliance.reduce((a, x) => ({ met: a.met + x.met, breached: a.breached + x.breached }), { met: 0, breached: 0 });
    const prevSlaRate = prevSla.met + prevSla.breached ? prevSla.met / (prevSla.met + prevSla.breached) : null;
    const created = this._ticketsHref('created');
    const resolved = this._ticketsHref('resolved');
    const dur = (d: Overview['firstResponseTime']) => t('reports.p90', { p90: duration(d.p90), avg: duration(d.average) });
    const cards: Array<{ id: string; label: MessageKey; def: MessageKey; value: string; detail?: string; change: number | null; better: 'up' | 'down' | 'none'; href?: string }> = [
      { id: 'created', label: 'reports.card.created', def: 'reports.def.created', value: count(o.ticketsCreated), change: change(o.ticketsCreated, prev.ticketsCreated), better: 'none', href: created },
      { id: 'resolved', label: 'reports.card.resolved', def: 'reports.def.resolved', value: count(o.ticketsResolved), change: change(o.ticketsResolved, prev.ticketsResolved), better: 'up', href: resolved },
      { id: 'frt', label: 'reports.card.frt', def: 'reports.def.frt', value: duration(o.firstResponseTime.median), detail: dur(o.firstResponseTime), change: change(o.firstResponseTime.median, prev.firstResponseTime.median), better: 'down', href: created },
      { id: 'resolution', label: 'reports.card.resolution', def: 'reports.def.resolution', value: duration(o.resolutionTime.median), detail: dur(o.resolutionTime), change: change(o.resolutionTime.median, prev.resolutionTime.median), better: 'down', href: resolved },
      { id: 'nrt', label: 'reports.card.nrt', def: 'reports.def.nrt', value: duration(o.nextResponseTime.average), detail: t('reports.samples', { n: o.nextResponseTime.count }), change: change(o.nextResponseTime.average, prev.nextResponseTime.average), better: 'down', href: created },
      { id: 'fcr', label: 'reports.card.fcr', def: 'reports.def.fcr', value: percent(o.firstContactResolutionRate), change: change(o.firstContactResolutionRate, prev.firstContactResolutionRate), better: 'up', href: resolved },
      { id: 'reopened', label: 'reports.card.reopened', def: 'reports.def.reopened', value: count(o.ticketsReopened), change: change(o.ticketsReopened, prev.ticketsReopened), better: 'down', href: resolved },
      { id: 'reopen-rate', label: 'reports.card.reopenRate', def: 'reports.def.reopenRate', value: percent(o.reopenRate), change: change(o.reopenRate, prev.reopenRate), better: 'down', href: resolved },
      { id: 'csat', label: 'reports.card.csat', def: 'reports.def.csat', value: score(o.csat.average), detail: t('reports.csatDetail', { n: o.csat.responses, rate: percent(o.csat.responseRate), happy: percent(o.csat.satisfactionRate) }), change: change(o.csat.average, prev.csat.average), better: 'up' },
      { id: 'sla', label: 'reports.card.sla', def: 'reports.def.sla', value: percent(slaRate), detail: t('reports.slaDetail', sla), change: change(slaRate, prevSlaRate), better: 'up' },
      { id: 'chat-wait', label: 'reports.card.chatWait', def: 'reports.def.chatWait', value: duration(o.chat.waitTime.median), detail: dur(o.chat.waitTime), change: change(o.chat.waitTime.median, prev.chat.waitTime.median), better: 'down', href: this._ticketsHref('created', { channel: 'widget' }) },
      { id: 'missed', label: 'reports.card.missed', def: 'reports.def.missed', value: count(o.chat.missed), detail: t('reports.ofChats', { n: o.chat.chats }), change: change(o.chat.missed, prev.chat.missed), better: 'down', href: this._ticketsHref('created', { channel: 'widget' }) },
      { id: 'bot-handled', label: 'reports.card.botHandled', def: 'reports.def.botHandled', value: count(o.chat.botHandled), detail: t('reports.ofChats', { n: o.chat.chats }), change: change(o.chat.botHandled, prev.chat.botHandled), better: 'none', href: this._ticketsHref('created', { bot: 'handled' }) },
      { id: 'deflection', label: 'reports.card.deflection', def: 'reports.def.deflection', value: percent(o.chat.deflectionRate), detail: t('reports.deflectionDetail', { n: o.chat.botDeflected, of: o.chat.botHandled }), change: change(o.chat.deflectionRate, prev.chat.deflectionRate), better: 'up', href: this._ticketsHref('created', { bot: 'deflected' }) },
    ];
    return html`<div class="cards">${cards.map(
      (c) => html`<kf-report-card data-card=${c.id} .label=${t(c.label)} .definition=${t(c.def)} .value=${c.value} .detail=${c.detail ?? ''}
        .change=${c.change} .better=${c.better} .href=${c.href ?? ''}></kf-report-card>`,
    )}</div>`;
  }

  private _rowName(r: BreakdownRow) {
    if (r.key === null) return html`<span class="sub">${t('reports.none')}</span>`;
    const by = this.params.by;
    const name = by === 'priority' ? t(`priority.${r.key as (typeof PRIORITIES)[number]}`) : r.name;
    // A channel or label row is keyed by its name; the others by id or value.
    const key = by === 'channel' || by === 'label' ? r.name : r.key;
    return html`<a href=${this._rowHref(by, key)} title=${t('reports.openList')}>${name}</a>`;
  }

  private _breakdownPanel(rows: BreakdownRow[]) {
    const p = this.params;
    const href = csvUrl('/reports/breakdown.csv', { ...apiQuery(p), by: p.by });
    return html`<section class="panel" data-panel="breakdown">
      <h2><span class="grow">${t('reports.breakdown')}</span>
        <label class="sub">${t('reports.by')}
          <select class="field" name="by" @change=${(e: Event) => this._set({ by: (e.target as HTMLSelectElement).value as Breakdown })}>
            ${BREAKDOWNS.map((b) => html`<option value=${b} ?selected=${b === p.by}>${t(BY_LABEL[b])}</option>`)}
          </select></label>
        <a class="btn sm" href=${href} download data-csv="breakdown">${icon('file', 14)}${t('reports.download')}</a></h2>
      <div class="body tight">${rows.length === 0 ? html`<div class="empty">${t('reports.empty')}</div>` : html`<table>
        <thead><tr><th>${t(BY_LABEL[p.by])}</th><th class="num">${t('reports.col.created')}</th><th class="num">${t('reports.col.resolved')}</th>
          <th class="num">${t('reports.col.frt')}</th><th class="num">${t('reports.col.resolution')}</th><th class="num">${t('reports.col.fcr')}</th><th class="num">${t('reports.col.csat')}</th></tr></thead>
        <tbody>${rows.map((r) => html`<tr>
          <td>${this._rowName(r)}</td><td class="num">${count(r.ticketsCreated)}</td><td class="num">${count(r.ticketsResolved)}</td>
          <td class="num">${duration(r.firstResponseTime.median)}</td><td class="num">${duration(r.resolutionTime.median)}</td>
          <td class="num">${percent(r.firstContactResolutionRate)}</td><td class="num">${score(r.csatAverage)}</td></tr>`)}</tbody></table>`}</div>
    </section>`;
  }

  private _agentsPanel(rows: AgentRow[]) {
    const href = csvUrl('/reports/agents.csv', apiQuery(this.params));
    return html`<section class="panel" data-panel="agents">
      <h2><span class="grow">${t('reports.agents')}</span><a class="btn sm" href=${href} download data-csv="agents">${icon('file', 14)}${t('reports.download')}</a></h2>
      <div class="body tight"><table>
        <thead><tr><th>${t('reports.col.name')}</th><th class="num">${t('reports.col.assigned')}</th><th class="num">${t('reports.col.replied')}</th>
          <th class="num">${t('reports.col.resolved')}</th><th class="num">${t('reports.col.frt')}</th><th class="num">${t('reports.col.csat')}</th>
          <th class="num" title=${t('reports.def.presence')}>${t('reports.col.online')}</th><th class="num" title=${t('reports.def.presence')}>${t('reports.col.away')}</th></tr></thead>
        <tbody>${rows.map((r) => html`<tr>
          <td><a href=${this._ticketsHref('created', { assignee: String(r.agentId) })} title=${t('reports.openList')}>${r.name}</a></td><td class="num">${count(r.assigned)}</td><td class="num">${count(r.replied)}</td><td class="num">${count(r.resolved)}</td>
          <td class="num">${duration(r.firstResponseTime.median)}</td><td class="num">${score(r.csatAverage)}${r.csatResponses ? html` <span class="sub">(${r.csatResponses})</span>` : nothing}</td>
          <td class="num" data-col="online">${duration(r.onlineSeconds)}</td><td class="num" data-col="away">${duration(r.awaySeconds)}</td></tr>`)}</tbody>
      </table></div>
    </section>`;
  }

  override render() {
    const o = this._overview;
    const exportHref = csvUrl('/exports/tickets.csv', { status: 'open,pending,snoozed,resolved,closed', channel: this.params.channel, label: this.params.label, team: this.params.team, priority: this.params.priority, assignee: this.params.agent });
    return html`<div class="page-head"><h1>${t('reports.title')}</h1>
        <a class="btn" href=${exportHref} download data-csv="tickets" title=${t('reports.exportTickets')}>${icon('file', 14)}<span>${t('reports.exportTickets')}</span></a></div>
      <div class="page-body">
        ${this._controls()}
        ${this._error ? html`<div class="error" role="alert">${this._error}</div>` : nothing}
        ${!o ? (this._error ? nothing : html`<div class="loading">${t('app.loading')}</div>`) : html`
          <div class="vs">${t('reports.vsPrevious', { from: o.previous.from.slice(0, 10), to: new Date(Date.parse(o.previous.to) - 1).toISOString().slice(0, 10) })}</div>
          ${this._cards(o)}
          <div class="two">
            <section class="panel" data-panel="trend"><h2>${t('reports.trend')}</h2><div class="body"><kf-trend-chart .data=${this._volume}></kf-trend-chart></div></section>
            <section class="panel" data-panel="heatmap"><h2>${t('reports.heatmap')}</h2><p class="desc">${t('reports.heatmap.desc')}</p>
              <div class="body">${this._heatmap ? heatmapGrid(this._heatmap) : nothing}</div></section>
          </div>
          ${this._breakdown ? this._breakdownPanel(this._breakdown) : nothing}
          ${this._agents ? this._agentsPanel(this._agents) : nothing}`}
      </div>`;
  }
}
