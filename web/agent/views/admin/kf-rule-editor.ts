import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t, type MessageKey } from '../../../shared/i18n/i18n.js';
import type { Rule, RuleEvent } from '../../../shared/types.js';
import type { RuleBody } from '../../data/api-calls.js';
import {
  ACTION_TYPES,
  CONDITION_FIELDS,
  RULE_EVENTS,
  fromAction,
  fromCondition,
  needsKey,
  needsValue,
  opsOf,
  toAction,
  toCondition,
  type ActionRow,
  type ConditionRow,
} from '../../data/rule-form.js';
import { storeContext, type AppStore } from '../../data/store.js';
import { icon } from '../../icons.js';
import { base } from '../../styles.js';
import { page } from '../page-styles.js';

const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
const STATUSES = ['open', 'pending', 'resolved', 'closed'] as const;

/** The rule form: name, event, conditions (all or any), actions. Fires `rule-save` with the body; the page saves it. */
@customElement('kf-rule-editor')
export class KfRuleEditor extends LitElement {
  static override styles = [
    base,
    page,
    css`
      :host { display: block; height: auto; overflow: visible; background: none; }
      .body { display: grid; gap: 14px; }
      .rows { display: grid; gap: 8px; }
      .row { display: grid; grid-template-columns: minmax(0, 1.2fr) minmax(0, 1fr) minmax(0, 1.4fr) 28px; gap: 6px; align-items: start; }
      .row.act { grid-template-columns: minmax(0, 1.2fr) minmax(0, 2.4fr) 28px; }
      .row > * { min-width: 0; }
      .row .key { grid-column: 1 / span 1; }
      select.field, input.field { width: 100%; height: 32px; }
      .group-head { display: flex; align-items: center; gap: 8px; font-size: var(--kf-text-sm); color: var(--kf-text-muted); }
      .group-head select { width: auto; }
      .checks { display: flex; flex-wrap: wrap; gap: 16px; font-size: var(--kf-text-sm); }
      .checks label { display: flex; align-items: center; gap: 6px; }
      .foot { display: flex; justify-content: flex-end; gap: 8px; }
      .hint { color: var(--kf-text-faint); font-size: var(--kf-text-xs); margin-top: 2px; }
      @media (max-width: 700px) {
        .row { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr) 28px; }
        .row .val { grid-column: 1 / span 2; }
        .row.act { grid-template-columns: minmax(0, 1fr) 28px; }
        .row.act > div { grid-column: 1; grid-row: 2; }
      }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @property({ attribute: false }) rule: Rule | null = null;
  @state() private _name = '';
  @state() private _event: RuleEvent = 'ticket.created';
  @state() private _mode: 'all' | 'any' = 'all';
  @state() private _conditions: ConditionRow[] = [];
  @state() private _actions: ActionRow[] = [];
  @state() private _stop = false;
  @state() private _enabled = true;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('rule')) return;
    const r = this.rule;
    this._name = r?.name ?? '';
    this._event = r?.event ?? 'ticket.created';
    this._mode = r && (r.conditions.any?.length ?? 0) > 0 && (r.conditions.all?.length ?? 0) === 0 ? 'any' : 'all';
    this._conditions = [...(r?.conditions.all ?? []), ...(r?.conditions.any ?? [])].map(fromCondition);
    this._actions = r ? r.actions.map(fromAction) : [{ type: 'add_labels', value: '' }];
    this._stop = r?.stopProcessing ?? false;
    this._enabled = r?.enabled ?? true;
  }

  private _setCondition(i: number, patch: Partial<ConditionRow>) {
    this._conditions = this._conditions.map((c, j) => {
      if (j !== i) return c;
      const next = { ...c, ...patch };
      if (patch.field && !opsOf(next.field).includes(next.op)) next.op = opsOf(next.field)[0] ?? 'equals';
      return next;
    });
  }

  private _setAction(i: number, patch: Partial<ActionRow>) {
    this._actions = this._actions.map((a, j) => (j === i ? { ...a, ...patch, ...(patch.type && patch.type !== a.type ? { value: this._defaultValue(patch.type) } : {}) } : a));
  }

  /** A select shows its first option: the row's value starts as that option, not as nothing. */
  private _defaultValue(type: ActionRow['type']): string {
    if (type === 'set_priority') return 'low';
    if (type === 'set_status') return 'open';
    if (type === 'email_agents') return String(this._store.teams[0]?.id ?? '');
    return '';
  }

  private _submit(e: SubmitEvent) {
    e.preventDefault();
    const conditions = this._conditions.map(toCondition);
    const body: RuleBody = {
      name: this._name.trim(),
      event: this._event,
      conditions: this._mode === 'all' ? { all: conditions } : { any: conditions },
      actions: this._actions.map(toAction),
      enabled: this._enabled,
      stopProcessing: this._stop,
    };
    this.dispatchEvent(new CustomEvent<RuleBody>('rule-save', { detail: body, bubbles: true, composed: true }));
  }

  private _conditionRow(c: ConditionRow, i: number) {
    return html`<div class="row" data-condition=${i}>
      <select class="field" aria-label=${t('rules.field')} @change=${(e: Event) => this._setCondition(i, { field: (e.target as HTMLSelectElement).value })}>
        ${Object.keys(CONDITION_FIELDS).map((f) => html`<option value=${f} ?selected=${f === c.field}>${t(`rules.field.${f}` as MessageKey)}</option>`)}
      </select>
      <select class="field" aria-label=${t('rules.op')} @change=${(e: Event) => this._setCondition(i, { op: (e.target as HTMLSelectElement).value })}>
        ${opsOf(c.field).map((o) => html`<option value=${o} ?selected=${o === c.op}>${t(`rules.op.${o}` as MessageKey)}</option>`)}
      </select>
      <div class="val">
        ${needsKey(c.field) ? html`<input class="field" placeholder=${t('rules.key')} aria-label=${t('rules.key')} .value=${c.key} @input=${(e: Event) => this._setCondition(i, { key: (e.target as HTMLInputElement).value })} />` : ''}
        ${needsValue(c.op) ? html`<input class="field" aria-label=${t('rules.value')} placeholder=${c.op === 'in' || c.op === 'not_in' ? t('rules.commaList') : t('rules.value')} .value=${c.value} @input=${(e: Event) => this._setCondition(i, { value: (e.target as HTMLInputElement).value })} />` : ''}
      </div>
      <button type="button" class="icon-btn" aria-label=${t('action.delete')} @click=${() => (this._conditions = this._conditions.filter((_, j) => j !== i))}>${icon('x', 14)}</button>
    </div>`;
  }

  private _actionValue(a: ActionRow, i: number) {
    const set = (e: Event) => this._setAction(i, { value: (e.target as HTMLInputElement).value });
    const pick = (options: Array<[string, string]>, empty?: string) =>
      html`<select class="field" aria-label=${t('rules.value')} @change=${set}>
        ${empty !== undefined ? html`<option value="" ?selected=${a.value === ''}>${empty}</option>` : ''}
        ${options.map(([v, label]) => html`<option value=${v} ?selected=${v === a.value}>${label}</option>`)}
      </select>`;
    switch (a.type) {
      case 'set_priority':
        return pick(PRIORITIES.map((p) => [p, t(`priority.${p}`)]));
      case 'set_status':
        return pick(STATUSES.map((s) => [s, t(`status.${s}`)]));
      case 'assign_team':
        return pick(this._store.teams.map((tm) => [String(tm.id), tm.name]), t('rules.none'));
      case 'assign_agent':
        return pick(this._store.agents.filter((ag) => ag.active !== false).map((ag) => [String(ag.id), ag.name]), t('rules.none'));
      case 'close_spam':
        return html``;
      case 'run_assignment':
        return html`<div class="hint">${t('rules.runAssignmentHint')}</div>`;
      case 'email_agents':
        return html`${pick(this._store.teams.map((tm) => [String(tm.id), tm.name]))}
          <textarea class="field" rows="3" aria-label=${t('rules.mailText')} placeholder=${t('rules.mailText')} .value=${a.text ?? ''} @input=${(e: Event) => this._setAction(i, { text: (e.target as HTMLTextAreaElement).value })}></textarea>`;
      case 'webhook':
        return html`<input class="field" type="url" required aria-label=${t('rules.webhookUrl')} placeholder="https://" .value=${a.value} @input=${set} />`;
      case 'add_note':
      case 'auto_reply':
      case 'set_custom_fields':
        return html`<textarea class="field" rows="3" aria-label=${t('rules.value')} placeholder=${a.type === 'set_custom_fields' ? 'key=value' : ''} .value=${a.value} @input=${set}></textarea>
          ${a.type === 'auto_reply' ? html`<div class="hint">${t('canned.placeholders')} {{contact.name}} {{ticket.number}} {{ticket.subject}}</div>` : ''}`;
      default:
        return html`<input class="field" aria-label=${t('rules.value')} placeholder=${a.type === 'snooze' ? t('rules.minutes') : t('rules.commaList')} .value=${a.value} @input=${set} />`;
    }
  }

  override render() {
    return html`<form class="panel" @submit=${this._submit}>
      <h2><span class="grow">${this.rule ? t('rules.edit') : t('rules.new')}</span>
        ${this.rule ? html`<button type="button" class="btn sm ghost" @click=${() => this.dispatchEvent(new CustomEvent('rule-cancel', { bubbles: true, composed: true }))}>${t('action.cancel')}</button>` : ''}</h2>
      <div class="body">
        <div><label class="lbl" for="rname">${t('rules.name')}</label><input class="field" id="rname" required maxlength="200" .value=${this._name} @input=${(e: Event) => (this._name = (e.target as HTMLInputElement).value)} /></div>
        <div><label class="lbl" for="revent">${t('rules.when')}</label>
          <select class="field" id="revent" @change=${(e: Event) => (this._event = (e.target as HTMLSelectElement).value as RuleEvent)}>
            ${RULE_EVENTS.map((ev) => html`<option value=${ev} ?selected=${ev === this._event}>${t(`rules.event.${ev}` as MessageKey)}</option>`)}
          </select>
          ${this._event === 'time' ? html`<div class="hint">${t('rules.timeHint')}</div>` : ''}</div>
        <div class="rows">
          <div class="group-head">${t('rules.if')}
            <select class="field" aria-label=${t('rules.match')} @change=${(e: Event) => (this._mode = (e.target as HTMLSelectElement).value as 'all' | 'any')}>
              <option value="all" ?selected=${this._mode === 'all'}>${t('rules.matchAll')}</option>
              <option value="any" ?selected=${this._mode === 'any'}>${t('rules.matchAny')}</option>
            </select></div>
          ${this._conditions.map((c, i) => this._conditionRow(c, i))}
          ${this._conditions.length === 0 ? html`<div class="hint">${t('rules.noConditions')}</div>` : ''}
          ${this._conditions.some((c) => c.field === 'business_hours') ? html`<div class="hint">${t('rules.defaultCalendarHint')}</div>` : ''}
          <div><button type="button" class="btn sm" @click=${() => (this._conditions = [...this._conditions, { field: 'subject', op: 'contains', key: '', value: '' }])}>${icon('plus', 14)} ${t('rules.addCondition')}</button></div>
        </div>
        <div class="rows">
          <div class="group-head">${t('rules.then')}</div>
          ${this._actions.map((a, i) => html`<div class="row act" data-action=${i}>
            <select class="field" aria-label=${t('rules.action')} @change=${(e: Event) => this._setAction(i, { type: (e.target as HTMLSelectElement).value as ActionRow['type'] })}>
              ${ACTION_TYPES.map((ty) => html`<option value=${ty} ?selected=${ty === a.type}>${t(`rules.action.${ty}` as MessageKey)}</option>`)}
            </select>
            <div>${this._actionValue(a, i)}</div>
            <button type="button" class="icon-btn" aria-label=${t('action.delete')} ?disabled=${this._actions.length === 1} @click=${() => (this._actions = this._actions.filter((_, j) => j !== i))}>${icon('x', 14)}</button>
          </div>`)}
          <div><button type="button" class="btn sm" @click=${() => (this._actions = [...this._actions, { type: 'add_labels', value: '' }])}>${icon('plus', 14)} ${t('rules.addAction')}</button></div>
        </div>
        <div class="checks">
          <label><input type="checkbox" .checked=${this._enabled} @change=${(e: Event) => (this._enabled = (e.target as HTMLInputElement).checked)} />${t('rules.enabled')}</label>
          <label><input type="checkbox" .checked=${this._stop} @change=${(e: Event) => (this._stop = (e.target as HTMLInputElement).checked)} />${t('rules.stop')}</label>
        </div>
        <div class="foot"><button class="btn primary">${t('action.save')}</button></div>
      </div>
    </form>`;
  }
}
