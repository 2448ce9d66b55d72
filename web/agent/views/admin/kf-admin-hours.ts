import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { consume } from '@lit/context';
import { t, type MessageKey } from '../../../shared/i18n/i18n.js';
import { crud } from '../../data/api-calls.js';
import {
  formatExtraWorkdays,
  formatHolidays,
  formatRanges,
  parseExtraWorkdays,
  parseHolidays,
  parseRanges,
  timeZones,
  WEEKDAYS,
  type BusinessHours,
} from '../../data/business-hours.js';
import { storeContext, type AppStore } from '../../data/store.js';
import { icon } from '../../icons.js';
import { base } from '../../styles.js';
import { errorMessage, toast } from '../../toast.js';
import { page } from '../page-styles.js';

const DAY_LABEL: Record<(typeof WEEKDAYS)[number], MessageKey> = {
  mon: 'hours.day.mon',
  tue: 'hours.day.tue',
  wed: 'hours.day.wed',
  thu: 'hours.day.thu',
  fri: 'hours.day.fri',
  sat: 'hours.day.sat',
  sun: 'hours.day.sun',
};

/** Settings → Business hours: calendars that rules, SLAs and widgets count working time by. Admins edit, supervisors read. */
@customElement('kf-admin-hours')
export class KfAdminHours extends LitElement {
  static override styles = [
    base,
    page,
    css`
      .layout { display: grid; grid-template-columns: minmax(0, 1fr) 400px; gap: 16px; align-items: start; }
      .layout > .panel { margin-top: 0; }
      td.name { font-weight: 500; white-space: nowrap; }
      td.sum { color: var(--kf-text-muted); font-size: var(--kf-text-sm); }
      tr.sel td { background: var(--kf-bg-selected); }
      form .body { display: grid; gap: 12px; }
      .days { display: grid; grid-template-columns: auto 1fr; gap: 6px 10px; align-items: center; }
      .days label { color: var(--kf-text-muted); font-size: var(--kf-text-sm); min-width: 3em; margin: 0; padding: 0; align-self: center; }
      .hint { color: var(--kf-text-faint); font-size: var(--kf-text-xs); margin-top: 4px; }
      .err { color: var(--kf-danger); font-size: var(--kf-text-sm); }
      .actions { display: flex; gap: 8px; justify-content: flex-end; }
      .actions .grow { flex: 1; }
      @media (max-width: 1100px) { .layout { grid-template-columns: 1fr; } }
      /* Phone: the zone is in the form below; the name and days need the width. */
      @media (max-width: 700px) { .tz { display: none; } }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @state() private _items: BusinessHours[] = [];
  @state() private _edit: BusinessHours | null = null;
  @state() private _error = '';
  @state() private _formError = '';
  /** Bumped to draw a fresh form (a reset would blank the suggested time zone). */
  @state() private _formKey = 0;

  private get _api() {
    return crud<BusinessHours>(this._store.api, '/business-hours');
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
      this._items = await this._api.list();
    } catch (err) {
      this._error = errorMessage(err);
    }
  }

  private _body(form: HTMLFormElement): Omit<BusinessHours, 'id'> {
    const f = new FormData(form);
    const text = (name: string) => String(f.get(name) ?? '');
    const weekly: BusinessHours['weekly'] = {};
    for (const day of WEEKDAYS) {
      const ranges = parseRanges(text(`day-${day}`));
      if (ranges.length > 0) weekly[day] = ranges;
    }
    return {
      name: text('name').trim(),
      timezone: text('timezone').trim(),
      weekly,
      holidays: parseHolidays(text('holidays')),
      extraWorkdays: parseExtraWorkdays(text('extra')),
    };
  }

  private async _save(e: SubmitEvent) {
    e.preventDefault();
    try {
      const body = this._body(e.target as HTMLFormElement);
      if (this._edit) await this._api.update(this._edit.id, body);
      else await this._api.create(body);
      toast(t('profile.saved'));
      this._select(null);
      await this._load();
    } catch (err) {
      this._formError = errorMessage(err);
    }
  }

  private async _remove(c: BusinessHours) {
    if (!confirm(t('hours.confirmDelete', { name: c.name }))) return;
    try {
      await this._api.remove(c.id);
      if (this._edit?.id === c.id) this._edit = null;
      await this._load();
    } catch (err) {
      this._error = errorMessage(err);
    }
  }

  private _summary(c: BusinessHours): string {
    const open = WEEKDAYS.filter((d) => (c.weekly[d] ?? []).length > 0).map((d) => t(DAY_LABEL[d]));
    return t('hours.summary', { days: open.join(' '), holidays: c.holidays.length, extra: c.extraWorkdays.length });
  }

  private _select(c: BusinessHours | null) {
    this._edit = c;
    this._formError = '';
    this._formKey++;
  }

  private _list() {
    return html`<div class="panel">
      ${this._error ? html`<div class="empty" role="alert">${this._error}</div>` : ''}
      <table>
        <thead><tr><th>${t('hours.name')}</th><th class="tz">${t('hours.timezone')}</th><th>${t('hours.weekly')}</th><th></th></tr></thead>
        <tbody>${this._items.map((c) => html`<tr class="link ${this._edit?.id === c.id ? 'sel' : ''}" @click=${() => this._select(c)}>
          <td class="name">${c.name}</td><td class="sum tz">${c.timezone}</td><td class="sum">${this._summary(c)}</td>
          <td><div class="row-actions">${this._canEdit
            ? html`<button class="icon-btn" aria-label=${t('action.delete')} @click=${(ev: Event) => { ev.stopPropagation(); void this._remove(c); }}>${icon('x', 14)}</button>`
            : ''}</div></td></tr>`)}</tbody>
      </table>
      ${this._items.length === 0 && !this._error ? html`<div class="empty">${t('hours.empty')}</div>` : ''}
    </div>`;
  }

  private _form() {
    const e = this._edit;
    const ro = !this._canEdit;
    return html`<form class="panel" @submit=${this._save} aria-label=${e ? t('hours.edit') : t('hours.new')}>
      <h2><span class="grow">${e ? t('hours.edit') : t('hours.new')}</span>${e ? html`<button type="button" class="btn sm ghost" @click=${() => this._select(null)}>${t('action.cancel')}</button>` : ''}</h2>
      <div class="body">
        <div><label class="lbl" for="hn">${t('hours.name')}</label><input class="field" id="hn" name="name" required ?disabled=${ro} .value=${e?.name ?? ''} /></div>
        <div><label class="lbl" for="tz">${t('hours.timezone')}</label><input class="field" id="tz" name="timezone" list="zones" required ?disabled=${ro} .value=${e?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone} />
          <datalist id="zones">${timeZones().map((z) => html`<option value=${z}></option>`)}</datalist></div>
        <div><label class="lbl" for="day-mon">${t('hours.weekly')}</label>
          <div class="days">${WEEKDAYS.map((d) => html`<label for="day-${d}">${t(DAY_LABEL[d])}</label>
            <input class="field" id="day-${d}" name="day-${d}" placeholder=${t('hours.closed')} ?disabled=${ro} .value=${formatRanges(e?.weekly[d])} />`)}</div>
          <div class="hint">${t('hours.weeklyHint')}</div></div>
        <div><label class="lbl" for="hol">${t('hours.holidays')}</label><textarea class="field" id="hol" name="holidays" rows="4" ?disabled=${ro} .value=${formatHolidays(e?.holidays ?? [])}></textarea>
          <div class="hint">${t('hours.holidaysHint')}</div></div>
        <div><label class="lbl" for="ext">${t('hours.extra')}</label><textarea class="field" id="ext" name="extra" rows="3" ?disabled=${ro} .value=${formatExtraWorkdays(e?.extraWorkdays ?? [])}></textarea>
          <div class="hint">${t('hours.extraHint')}</div></div>
        ${this._formError ? html`<div class="err" role="alert">${this._formError}</div>` : ''}
        ${ro ? html`<div class="hint">${t('hours.readOnly')}</div>` : html`<div class="actions"><button class="btn primary">${t('action.save')}</button></div>`}
      </div>
    </form>`;
  }

  override render() {
    return html`<div class="page-head"><h1>${t('admin.hours')}</h1></div>
      <div class="page-body"><div class="layout">${this._list()}${keyed(this._formKey, this._form())}</div></div>`;
  }
}
