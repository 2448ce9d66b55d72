import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { consume } from '@lit/context';
import { t } from '../../../shared/i18n/i18n.js';
import type { Priority } from '../../../shared/types.js';
import { crud } from '../../data/api-calls.js';
import type { BusinessHours } from '../../data/business-hours.js';
import { formatSpan } from '../../data/sla.js';
import { conditionsFrom, simpleConditions, type SlaAction, type SlaPolicy } from '../../data/sla-policies.js';
import { storeContext, type AppStore } from '../../data/store.js';
import { icon } from '../../icons.js';
import { base } from '../../styles.js';
import { errorMessage, toast } from '../../toast.js';
import { page } from '../page-styles.js';

const PRIORITIES: Priority[] = ['urgent', 'high', 'normal', 'low'];
const TARGETS = [
  { key: 'firstResponseMinutes', label: 'sla.target.first_response' },
  { key: 'nextResponseMinutes', label: 'sla.target.next_response' },
  { key: 'resolutionMinutes', label: 'sla.target.resolution' },
] as const;

/** Settings → SLA policies: which tickets get which response and resolution targets, in the order they are tried. */
@customElement('kf-admin-sla')
export class KfAdminSla extends LitElement {
  static override styles = [
    base,
    page,
    css`
      .layout { display: grid; grid-template-columns: minmax(0, 1fr) 420px; gap: 16px; align-items: start; }
      .layout > .panel { margin-top: 0; }
      td.name { font-weight: 500; }
      td.sum { color: var(--kf-text-muted); font-size: var(--kf-text-sm); }
      td.pos { width: 1%; white-space: nowrap; color: var(--kf-text-faint); font-variant-numeric: tabular-nums; }
      tr.sel td { background: var(--kf-bg-selected); }
      form .body { display: grid; gap: 12px; }
      fieldset { border: 0; margin: 0; padding: 0; display: grid; gap: 8px; }
      legend { padding: 0; margin-bottom: 4px; }
      .checks { display: flex; flex-wrap: wrap; gap: 6px 14px; }
      .check { display: inline-flex; align-items: center; gap: 6px; font-size: var(--kf-text-sm); color: var(--kf-text); margin: 0; }
      .grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
      .grid3 { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px; }
      .sub { color: var(--kf-text-muted); font-size: var(--kf-text-xs); display: block; margin-bottom: 2px; }
      .hint { color: var(--kf-text-faint); font-size: var(--kf-text-xs); }
      .err { color: var(--kf-danger); font-size: var(--kf-text-sm); }
      .actions { display: flex; gap: 8px; justify-content: flex-end; }
      @media (max-width: 1100px) { .layout { grid-template-columns: 1fr; } }
      @media (max-width: 700px) { .when { display: none; } .grid3 { grid-template-columns: 1fr; } }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @state() private _items: SlaPolicy[] = [];
  @state() private _calendars: BusinessHours[] = [];
  @state() private _edit: SlaPolicy | null = null;
  @state() private _error = '';
  @state() private _formError = '';
  @state() private _formKey = 0;

  private get _api() {
    return crud<SlaPolicy>(this._store.api, '/sla-policies');
  }

  private get _canEdit(): boolean {
    return this._store.me.role === 'admin';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  private async _load() {
    try {
      [this._items, this._calendars] = await Promise.all([this._api.list(), crud<BusinessHours>(this._store.api, '/business-hours').list()]);
    } catch (err) {
      this._error = errorMessage(err);
    }
  }

  private _body(form: HTMLFormElement): Omit<SlaPolicy, 'id' | 'position' | 'enabled'> {
    const f = new FormData(form);
    const text = (name: string) => String(f.get(name) ?? '').trim();
    const minutes = (name: string) => (text(name) === '' ? null : Number(text(name)));
    const base = simpleConditions(this._edit?.conditions.all);
    const all = conditionsFrom({
      priorities: PRIORITIES.filter((p) => f.get(`prio-${p}`) !== null),
      channel: text('channel'),
      label: text('label'),
      attribute: text('attribute'),
      rest: base.rest,
    });
    const email = f.get('notifyEmail') !== null;
    const warning: SlaAction[] = f.get('notifyWarning') !== null ? [{ type: 'notify', to: 'assignee', email }] : [];
    const breach: SlaAction[] = [];
    if (f.get('notifyBreach') !== null) breach.push({ type: 'notify', to: 'assignee', email }, { type: 'notify', to: 'supervisors', email });
    if (f.get('raise') !== null) breach.push({ type: 'set_priority', priority: 'urgent' });
    if (text('note')) breach.push({ type: 'add_note', text: text('note') });
    // Actions the form does not show (named agents, a team move) are kept.
    const kept = (list: SlaAction[] | undefined) => (list ?? []).filter((a) => (a.type === 'notify' && a.to === 'agents') || a.type === 'assign_team');
    return {
      name: text('name'),
      conditions: { ...(this._edit?.conditions ?? {}), all },
      businessHoursId: text('calendar') === '' ? null : Number(text('calendar')),
      pauseWhenPending: f.get('pausePending') !== null,
      pauseWhenSnoozed: f.get('pauseSnoozed') !== null,
      targets: { firstResponseMinutes: minutes('firstResponseMinutes'), nextResponseMinutes: minutes('nextResponseMinutes'), resolutionMinutes: minutes('resolutionMinutes') },
      warning: { minutes: minutes('warning'), percent: this._edit?.warning.percent ?? null },
      escalation: { warning: [...warning, ...kept(this._edit?.escalation.warning)], breach: [...breach, ...kept(this._edit?.escalation.breach)] },
    };
  }

  private async _save(e: SubmitEvent) {
    e.preventDefault();
    try {
      const body = this._body(e.target as HTMLFormElement);
      if (this._edit) await this._api.update(this._edit.id, body);
      else await this._api.create(body as Omit<SlaPolicy, 'id'>);
      toast(t('profile.saved'));
      this._select(null);
      await this._load();
    } catch (err) {
      this._formError = errorMessage(err);
    }
  }

  private async _remove(p: SlaPolicy) {
    if (!confirm(t('slaAdmin.confirmDelete', { name: p.name }))) return;
    try {
      await this._api.remove(p.id);
      if (this._edit?.id === p.id) this._select(null);
      await this._load();
    } catch (err) {
      this._error = errorMessage(err);
    }
  }

  private async _move(p: SlaPolicy, by: -1 | 1) {
    const ids = this._items.map((i) => i.id);
    const at = ids.indexOf(p.id);
    const to = at + by;
    if (to < 0 || to >= ids.length) return;
    [ids[at], ids[to]] = [ids[to]!, ids[at]!];
    try {
      this._items = (await this._store.api.put<{ items: SlaPolicy[] }>('/sla-policies/order', { ids })).items;
    } catch (err) {
      this._error = errorMessage(err);
    }
  }

  private _select(p: SlaPolicy | null) {
    this._edit = p;
    this._formError = '';
    this._formKey++;
  }

  private _appliesTo(p: SlaPolicy): string {
    const s = simpleConditions(p.conditions.all);
    const parts = [
      s.priorities.map((x) => t(`priority.${x}`)).join('/'),
      s.channel,
      s.label,
      s.attribute,
      ...s.rest.map((c) => `${c.field} ${c.op} ${JSON.stringify(c.value)}`),
    ].filter(Boolean);
    return parts.length > 0 ? parts.join(' · ') : t('slaAdmin.allTickets');
  }

  private _targets(p: SlaPolicy): string {
    return TARGETS.filter(({ key }) => p.targets[key] !== null)
      .map(({ key, label }) => `${t(label)} ${formatSpan((p.targets[key] ?? 0) * 60_000)}`)
      .join(' · ');
  }

  private _list() {
    const last = this._items.length - 1;
    return html`<div class="panel">
      ${this._error ? html`<div class="empty" role="alert">${this._error}</div>` : ''}
      <table>
        <thead><tr><th>#</th><th>${t('slaAdmin.name')}</th><th>${t('slaAdmin.appliesTo')}</th><th class="when">${t('slaAdmin.targetsCol')}</th><th></th></tr></thead>
        <tbody>${this._items.map((p, i) => html`<tr class="link ${this._edit?.id === p.id ? 'sel' : ''}" data-policy=${p.name} @click=${() => this._select(p)}>
          <td class="pos">${i + 1}</td><td class="name">${p.name}</td><td class="sum">${this._appliesTo(p)}</td><td class="sum when">${this._targets(p)}</td>
          <td><div class="row-actions">${this._canEdit
            ? html`<button class="icon-btn" aria-label=${t('slaAdmin.moveUp')} title=${t('slaAdmin.moveUp')} ?disabled=${i === 0} @click=${(ev: Event) => { ev.stopPropagation(); void this._move(p, -1); }}>${icon('arrowUp', 14)}</button>
              <button class="icon-btn" aria-label=${t('slaAdmin.moveDown')} title=${t('slaAdmin.moveDown')} ?disabled=${i === last} @click=${(ev: Event) => { ev.stopPropagation(); void this._move(p, 1); }}>${icon('chevronDown', 14)}</button>
              <button class="icon-btn" aria-label=${t('action.delete')} @click=${(ev: Event) => { ev.stopPropagation(); void this._remove(p); }}>${icon('x', 14)}</button>`
            : ''}</div></td></tr>`)}</tbody>
      </table>
      ${this._items.length === 0 && !this._error ? html`<div class="empty">${t('slaAdmin.empty')}</div>` : html`<div class="hint" style="padding:8px 12px">${t('slaAdmin.orderHint')}</div>`}
    </div>`;
  }

  private _form() {
    const e = this._edit;
    const ro = !this._canEdit;
    const s = simpleConditions(e?.conditions.all);
    const has = (list: SlaAction[] | undefined, test: (a: SlaAction) => boolean) => (list ?? []).some(test);
    const note = e?.escalation.breach.find((a): a is Extract<SlaAction, { type: 'add_note' }> => a.type === 'add_note')?.text ?? '';
    return html`<form class="panel" @submit=${this._save} aria-label=${e ? t('slaAdmin.edit') : t('slaAdmin.new')}>
      <h2><span class="grow">${e ? t('slaAdmin.edit') : t('slaAdmin.new')}</span>${e ? html`<button type="button" class="btn sm ghost" @click=${() => this._select(null)}>${t('action.cancel')}</button>` : ''}</h2>
      <div class="body">
        <div><label class="lbl" for="sn">${t('slaAdmin.name')}</label><input class="field" id="sn" name="name" required ?disabled=${ro} .value=${e?.name ?? ''} /></div>
        <fieldset ?disabled=${ro}><legend class="lbl">${t('slaAdmin.appliesTo')}</legend>
          <div><span class="sub">${t('slaAdmin.priorities')}</span><div class="checks">${PRIORITIES.map((p) => html`<label class="check"><input type="checkbox" name="prio-${p}" .checked=${s.priorities.includes(p)} />${t(`priority.${p}`)}</label>`)}</div></div>
          <div class="grid2">
            <label><span class="sub">${t('slaAdmin.channel')}</span><input class="field" name="channel" .value=${s.channel} /></label>
            <label><span class="sub">${t('slaAdmin.label')}</span><input class="field" name="label" .value=${s.label} /></label>
          </div>
          <label><span class="sub">${t('slaAdmin.attribute')}</span><input class="field" name="attribute" placeholder=${t('slaAdmin.attributeHint')} .value=${s.attribute} /></label>
        </fieldset>
        <fieldset ?disabled=${ro}><legend class="lbl">${t('slaAdmin.targets')}</legend>
          <div class="grid3">${TARGETS.map(({ key, label }) => html`<label><span class="sub">${t(label)}</span><input class="field" type="number" min="1" step="1" name=${key} .value=${e ? String(e.targets[key] ?? '') : key === 'firstResponseMinutes' ? '60' : ''} /></label>`)}</div>
          <div class="hint">${t('slaAdmin.targetsHint')}</div>
        </fieldset>
        <div class="grid2">
          <label><span class="sub">${t('slaAdmin.countedIn')}</span><select class="field" name="calendar" ?disabled=${ro}>
            <option value="" ?selected=${!e?.businessHoursId}>${t('slaAdmin.calendarTime')}</option>
            ${this._calendars.map((c) => html`<option value=${c.id} ?selected=${e?.businessHoursId === c.id}>${c.name}</option>`)}
          </select></label>
          <label><span class="sub">${t('slaAdmin.warning')}</span><input class="field" type="number" min="1" step="1" name="warning" ?disabled=${ro} .value=${e?.warning.minutes != null ? String(e.warning.minutes) : ''} /></label>
        </div>
        <div class="checks">
          <label class="check"><input type="checkbox" name="pausePending" ?disabled=${ro} .checked=${e?.pauseWhenPending ?? true} />${t('slaAdmin.pausePending')}</label>
          <label class="check"><input type="checkbox" name="pauseSnoozed" ?disabled=${ro} .checked=${e?.pauseWhenSnoozed ?? true} />${t('slaAdmin.pauseSnoozed')}</label>
        </div>
        <fieldset ?disabled=${ro}><legend class="lbl">${t('slaAdmin.escalation')}</legend>
          <label class="check"><input type="checkbox" name="notifyWarning" .checked=${has(e?.escalation.warning, (a) => a.type === 'notify' && a.to === 'assignee')} />${t('slaAdmin.notifyWarning')}</label>
          <label class="check"><input type="checkbox" name="notifyBreach" .checked=${has(e?.escalation.breach, (a) => a.type === 'notify' && a.to !== 'agents')} />${t('slaAdmin.notifyBreach')}</label>
          <label class="check"><input type="checkbox" name="notifyEmail" .checked=${has([...(e?.escalation.warning ?? []), ...(e?.escalation.breach ?? [])], (a) => a.type === 'notify' && a.to !== 'agents' && a.email === true)} />${t('slaAdmin.notifyEmail')}</label>
          <label class="check"><input type="checkbox" name="raise" .checked=${has(e?.escalation.breach, (a) => a.type === 'set_priority')} />${t('slaAdmin.raise')}</label>
          <label><span class="sub">${t('slaAdmin.note')}</span><input class="field" name="note" .value=${note} /></label>
        </fieldset>
        ${this._formError ? html`<div class="err" role="alert">${this._formError}</div>` : ''}
        ${ro ? html`<div class="hint">${t('slaAdmin.readOnly')}</div>` : html`<div class="actions"><button class="btn primary">${t('action.save')}</button></div>`}
      </div>
    </form>`;
  }

  override render() {
    return html`<div class="page-head"><h1>${t('admin.sla')}</h1></div>
      <div class="page-body"><div class="layout">${this._list()}${keyed(this._formKey, this._form())}</div></div>`;
  }
}
