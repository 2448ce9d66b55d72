import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t, type MessageKey } from '../../../shared/i18n/i18n.js';
import type { AdminSection } from '../../data/routes.js';
import { storeContext, type AppStore } from '../../data/store.js';
import { icon, type IconName } from '../../icons.js';
import { base } from '../../styles.js';
import './kf-admin-agents.js';
import './kf-admin-teams.js';
import './kf-admin-labels.js';
import './kf-admin-canned.js';
import './kf-admin-rules.js';
import './kf-admin-channels.js';
import './kf-admin-hours.js';
import './kf-admin-sla.js';
import './kf-admin-csat.js';
import './kf-admin-reports.js';
import './kf-admin-tokens.js';
import './kf-admin-webhooks.js';

/** manage: admins and supervisors; adminOnly: admins alone (a webhook sends customer data outside). */
const SECTIONS: { id: AdminSection; label: MessageKey; icon: IconName; manage: boolean; adminOnly?: boolean }[] = [
  { id: 'agents', label: 'admin.agents', icon: 'user', manage: true },
  { id: 'teams', label: 'admin.teams', icon: 'users', manage: true },
  { id: 'labels', label: 'admin.labels', icon: 'tag', manage: true },
  { id: 'canned', label: 'admin.canned', icon: 'bolt', manage: true },
  { id: 'rules', label: 'admin.rules', icon: 'layers', manage: true },
  { id: 'channels', label: 'admin.channels', icon: 'inbox', manage: true },
  { id: 'hours', label: 'admin.hours', icon: 'clock', manage: true },
  { id: 'sla', label: 'admin.sla', icon: 'alert', manage: true },
  { id: 'csat', label: 'admin.csat', icon: 'star', manage: true },
  { id: 'reports', label: 'admin.reports', icon: 'chart', manage: true },
  { id: 'webhooks', label: 'admin.webhooks', icon: 'send', manage: true, adminOnly: true },
  { id: 'tokens', label: 'admin.tokens', icon: 'api', manage: false },
];

/** Settings: a sub-navigation and the chosen section (this whole folder is a lazily loaded chunk). */
@customElement('kf-admin')
export class KfAdmin extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: flex; height: 100%; min-width: 0; }
      nav { width: 200px; flex: none; border-right: 1px solid var(--kf-border); padding: 16px 8px; background: var(--kf-bg); }
      nav .section-title { padding: 0 8px 8px; }
      a { display: flex; align-items: center; gap: 9px; height: 30px; padding: 0 8px; border-radius: var(--kf-radius); color: var(--kf-text-muted); text-decoration: none; font-weight: 500; }
      a:hover { background: var(--kf-bg-hover); color: var(--kf-text); }
      a[aria-current='page'] { background: var(--kf-bg-selected); color: var(--kf-text); }
      .content { flex: 1; min-width: 0; display: flex; }
      .content > * { flex: 1; min-width: 0; }
      .denied { display: grid; place-items: center; color: var(--kf-text-muted); }
      @media (max-width: 860px) { nav { width: 56px; } nav a span, nav .section-title { display: none; } nav a { justify-content: center; } }
      /* Phone: the sections become a strip of tabs above the page, scrolling sideways if they must. */
      @media (max-width: 700px) {
        :host { flex-direction: column; }
        nav { width: auto; flex: none; display: flex; gap: 4px; padding: 6px 8px; overflow-x: auto; border-right: 0; border-bottom: 1px solid var(--kf-border); scrollbar-width: none; }
        nav a { flex: none; height: 34px; padding: 0 10px; }
        nav a span { display: inline; }
        .content { min-height: 0; }
      }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @property() section: AdminSection = 'agents';

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('section')) this._revealCurrent();
  }

  /** On a phone the sections are a strip that scrolls sideways: the current one is brought into view. */
  private _revealCurrent() {
    const nav = this.renderRoot.querySelector('nav');
    const current = nav?.querySelector('a[aria-current=page]');
    if (!nav || !current || nav.scrollWidth <= nav.clientWidth) return;
    const box = current.getBoundingClientRect();
    nav.scrollLeft += box.left - nav.getBoundingClientRect().left - (nav.clientWidth - box.width) / 2;
  }

  private _section() {
    const allowed = SECTIONS.find((s) => s.id === this.section);
    if ((allowed?.manage && !this._store.canManage) || (allowed?.adminOnly && this._store.me.role !== 'admin')) {
      return html`<div class="denied">${t('error.forbidden')}</div>`;
    }
    switch (this.section) {
      case 'agents':
        return html`<kf-admin-agents></kf-admin-agents>`;
      case 'teams':
        return html`<kf-admin-teams></kf-admin-teams>`;
      case 'labels':
        return html`<kf-admin-labels></kf-admin-labels>`;
      case 'canned':
        return html`<kf-admin-canned></kf-admin-canned>`;
      case 'rules':
        return html`<kf-admin-rules></kf-admin-rules>`;
      case 'channels':
        return html`<kf-admin-channels></kf-admin-channels>`;
      case 'hours':
        return html`<kf-admin-hours></kf-admin-hours>`;
      case 'sla':
        return html`<kf-admin-sla></kf-admin-sla>`;
      case 'csat':
        return html`<kf-admin-csat></kf-admin-csat>`;
      case 'reports':
        return html`<kf-admin-reports></kf-admin-reports>`;
      case 'webhooks':
        return html`<kf-admin-webhooks></kf-admin-webhooks>`;
      case 'tokens':
        return html`<kf-admin-tokens></kf-admin-tokens>`;
    }
  }

  override render() {
    const visible = SECTIONS.filter((s) => (!s.manage || this._store.canManage) && (!s.adminOnly || this._store.me.role === 'admin'));
    return html`<nav aria-label=${t('nav.settings')}>
        <div class="section-title">${t('nav.settings')}</div>
        ${visible.map((s) => html`<a href="#/admin/${s.id}" aria-current=${s.id === this.section ? 'page' : 'false'} title=${t(s.label)}>${icon(s.icon)}<span>${t(s.label)}</span></a>`)}
      </nav>
      <div class="content">${this._section()}</div>`;
  }
}
