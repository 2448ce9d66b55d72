import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t, type MessageKey } from '../../../shared/i18n/i18n.js';
import type { Rule, RuleDryRun } from '../../../shared/types.js';
import { rules, type RuleBody } from '../../data/api-calls.js';
import { storeContext, type AppStore } from '../../data/store.js';
import { icon } from '../../icons.js';
import { base } from '../../styles.js';
import { errorMessage, toast, toastError } from '../../toast.js';
import { page } from '../page-styles.js';
import './kf-rule-editor.js';

/** Settings › Rules: the rules in run order, an editor, and a test against an existing ticket. */
@customElement('kf-admin-rules')
export class KfAdminRules extends LitElement {
  static override styles = [
    base,
    page,
    css`
      .layout { display: grid; grid-template-columns: minmax(0, 1fr) 460px; gap: 16px; align-items: start; }
      .layout > .side > * + * { margin-top: 16px; display: block; }
      td.name { width: 100%; max-width: 0; }
      .title { font-weight: 500; }
      .sub { color: var(--kf-text-faint); font-size: var(--kf-text-xs); }
      .tag { display: inline-block; margin-left: 6px; padding: 0 6px; border-radius: 999px; font-size: var(--kf-text-xs); font-weight: 500; }
      .tag.broken { background: var(--kf-danger-bg, #fde8e8); color: var(--kf-danger); }
      .tag.off { background: var(--kf-bg-sunken); color: var(--kf-text-muted); }
      .pos { color: var(--kf-text-faint); font-variant-numeric: tabular-nums; }
      tr.sel td { background: var(--kf-bg-selected); }
      .test .body { display: grid; gap: 10px; }
      .test form { display: flex; gap: 8px; }
      .test input { flex: 1; min-width: 0; height: 32px; }
      .test ul { margin: 0; padding-left: 0; list-style: none; display: grid; gap: 4px; font-size: var(--kf-text-sm); }
      .test li { display: flex; gap: 6px; align-items: baseline; }
      .ok { color: var(--kf-success, #1a7f37); }
      .no { color: var(--kf-danger); }
      .verdict { font-weight: 600; }
      @media (max-width: 1100px) { .layout { grid-template-columns: 1fr; } }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @state() private _items: Rule[] = [];
  @state() private _edit: Rule | null = null;
  @state() private _error = '';
  @state() private _test: RuleDryRun | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  private async _load() {
    try {
      this._items = await rules.list(this._store.api);
      this._error = '';
    } catch (err) {
      this._error = errorMessage(err);
    }
  }

  private async _save(e: CustomEvent<RuleBody>) {
    try {
      if (this._edit) await rules.update(this._store.api, this._edit.id, { ...e.detail, version: this._edit.version });
      else await rules.create(this._store.api, e.detail);
      toast(t('profile.saved'));
      this._edit = null;
      this._test = null;
      await this._load();
    } catch (err) {
      toastError(err);
    }
  }

  private async _act(r: Rule, action: 'duplicate' | 'remove' | 'toggle') {
    try {
      if (action === 'remove') {
        if (!confirm(t('rules.confirmDelete', { name: r.name }))) return;
        await rules.remove(this._store.api, r.id);
        if (this._edit?.id === r.id) this._edit = null;
      } else if (action === 'duplicate') await rules.duplicate(this._store.api, r.id);
      else await rules.update(this._store.api, r.id, { version: r.version, enabled: !r.enabled });
      await this._load();
    } catch (err) {
      toastError(err);
    }
  }

  private async _move(index: number, by: -1 | 1) {
    const ids = this._items.map((r) => r.id);
    const [moved] = ids.splice(index, 1);
    if (moved === undefined) return;
    ids.splice(index + by, 0, moved);
    try {
      this._items = (await rules.reorder(this._store.api, ids)).items;
    } catch (err) {
      toastError(err);
    }
  }

  private async _runTest(e: SubmitEvent) {
    e.preventDefault();
    const rule = this._edit;
    const value = new FormData(e.target as HTMLFormElement).get('ticket');
    const number = Number(String(value ?? '').replace(/^#/, ''));
    if (!rule || !Number.isInteger(number)) return;
    try {
      this._test = await rules.dryRun(this._store.api, rule.id, number);
    } catch (err) {
      toastError(err);
    }
  }

  private _row(r: Rule, i: number) {
    const stop = (ev: Event) => ev.stopPropagation();
    return html`<tr class="link ${this._edit?.id === r.id ? 'sel' : ''}" data-rule=${r.id} @click=${() => ((this._edit = r), (this._test = null))}>
      <td class="pos">${i + 1}</td>
      <td class="name"><div class="ellipsis"><span class="title">${r.name}</span>
        ${r.broken ? html`<span class="tag broken" title=${r.broken}>${t('rules.broken')}</span>` : ''}
        ${r.enabled ? '' : html`<span class="tag off">${t('rules.disabled')}</span>`}</div>
        <div class="sub ellipsis">${t(`rules.event.${r.event}` as MessageKey)}</div></td>
      <td @click=${stop}><div class="row-actions">
        <button class="icon-btn" aria-label=${t('rules.moveUp')} ?disabled=${i === 0} @click=${() => void this._move(i, -1)}>${icon('arrowUp', 14)}</button>
        <button class="icon-btn" aria-label=${r.enabled ? t('rules.disable') : t('rules.enable')} @click=${() => void this._act(r, 'toggle')}>${icon(r.enabled ? 'eye' : 'moon', 14)}</button>
        <button class="icon-btn" aria-label=${t('rules.duplicate')} @click=${() => void this._act(r, 'duplicate')}>${icon('copy', 14)}</button>
        <button class="icon-btn" aria-label=${t('action.delete')} @click=${() => void this._act(r, 'remove')}>${icon('x', 14)}</button>
      </div></td></tr>`;
  }

  private _renderTest() {
    const r = this._test;
    return html`<div class="panel test"><h2>${t('rules.test')}</h2><div class="body">
      <form @submit=${this._runTest}><input class="field" name="ticket" inputmode="numeric" required placeholder=${t('rules.ticketNumber')} aria-label=${t('rules.ticketNumber')} /><button class="btn">${t('rules.runTest')}</button></form>
      ${r
        ? html`<div class="verdict ${r.matched ? 'ok' : 'no'}" role="status">${r.matched ? t('rules.wouldRun') : t('rules.wouldNotRun')}</div>
            <ul>${r.conditions.map((c) => html`<li class=${c.matched ? 'ok' : 'no'}>${icon(c.matched ? 'check' : 'x', 14)}<span>${t(`rules.field.${c.condition.field}` as MessageKey)} ${t(`rules.op.${c.condition.op}` as MessageKey)} ${Array.isArray(c.condition.value) ? c.condition.value.join(', ') : (c.condition.value ?? '')}</span></li>`)}</ul>
            <ul>${r.actions.map((a) => html`<li>${icon('bolt', 14)}<span>${t(`rules.action.${a.action.type}` as MessageKey)}</span></li>`)}</ul>
            ${r.broken ? html`<div class="no">${t('rules.broken')}: ${r.broken}</div>` : ''}`
        : html`<div class="sub">${t('rules.testHint')}</div>`}
    </div></div>`;
  }

  override render() {
    return html`<div class="page-head"><h1>${t('admin.rules')}</h1>
        ${this._edit ? html`<button class="btn sm" @click=${() => ((this._edit = null), (this._test = null))}>${icon('plus', 14)} ${t('rules.new')}</button>` : ''}</div>
      <div class="page-body"><div class="layout">
        <div class="panel">
          ${this._error ? html`<div class="empty" role="alert">${this._error}</div>` : ''}
          <table>
            <thead><tr><th>#</th><th>${t('rules.name')}</th><th></th></tr></thead>
            <tbody>${this._items.map((r, i) => this._row(r, i))}</tbody>
          </table>
          ${this._items.length === 0 && !this._error ? html`<div class="empty">${t('rules.empty')}</div>` : ''}
        </div>
        <div class="side">
          <kf-rule-editor .rule=${this._edit} @rule-save=${this._save} @rule-cancel=${() => ((this._edit = null), (this._test = null))}></kf-rule-editor>
          ${this._edit ? this._renderTest() : ''}
        </div>
      </div></div>`;
  }
}
