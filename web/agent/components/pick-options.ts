import { html } from 'lit';
import { t } from '../../shared/i18n/i18n.js';
import { formatShortDateTime } from '../../shared/format.js';
import type { Priority, TicketStatus } from '../../shared/types.js';
import type { AppStore } from '../data/store.js';
import { SNOOZE_PRESETS, snoozeUntil } from '../data/snooze.js';
import { icon } from '../icons.js';
import { avatar } from './kf-avatar.js';
import type { PickOption } from './kf-picker.js';

export const STATUSES: TicketStatus[] = ['open', 'pending', 'resolved', 'closed'];
export const PRIORITIES: Priority[] = ['urgent', 'high', 'normal', 'low'];

/** Agents first ("agent:ID"), then teams ("team:ID"); "none" unassigns. */
export function assignOptions(store: AppStore, current?: { assigneeId: number | null; teamId: number | null }): PickOption[] {
  const active = store.agents.filter((a) => a.active);
  const me = active.find((a) => a.id === store.me.id);
  const others = active.filter((a) => a.id !== store.me.id);
  return [
    { value: 'none', label: t('assign.nobody'), lead: icon('unassigned', 16), checked: current ? current.assigneeId === null : undefined },
    ...(me ? [me] : []).concat(others).map((a) => ({
      value: `agent:${a.id}`,
      label: a.id === store.me.id ? t('assign.me', { name: a.name }) : a.name,
      hint: store.presence.get(a.id) === 'online' ? '●' : '',
      lead: avatar(a.name, a.avatarUrl, 20),
      group: t('assign.agents'),
      checked: current ? current.assigneeId === a.id : undefined,
    })),
    ...store.teams.map((tm) => ({
      value: `team:${tm.id}`,
      label: tm.name,
      lead: icon('users', 16),
      group: t('assign.teams'),
      checked: current ? current.teamId === tm.id : undefined,
    })),
  ];
}

export function statusOptions(current?: TicketStatus): PickOption[] {
  return STATUSES.map((s) => ({ value: s, label: t(`status.${s}`), checked: current ? current === s : undefined, lead: html`<span class="dot" style="background:var(--kf-status-${s}, ${statusColor(s)})"></span>` }));
}

export function statusColor(s: TicketStatus): string {
  switch (s) {
    case 'open':
      return 'var(--kf-accent)';
    case 'pending':
      return 'var(--kf-warning)';
    case 'snoozed':
      return 'var(--kf-text-faint)';
    default:
      return 'var(--kf-success)';
  }
}

export function priorityOptions(current?: Priority): PickOption[] {
  return PRIORITIES.map((p) => ({
    value: p,
    label: t(`priority.${p}`),
    checked: current ? current === p : undefined,
    lead: html`<span style="color:var(--kf-${p});display:inline-flex">${icon('flag', 14)}</span>`,
  }));
}

export function labelOptions(store: AppStore, selected: readonly string[]): PickOption[] {
  return store.labels.map((l) => ({
    value: l.name,
    label: l.name,
    checked: selected.includes(l.name),
    lead: html`<span class="dot" style="background:${/^#[0-9a-f]{3,8}$/i.test(l.color) ? l.color : 'var(--kf-text-faint)'}"></span>`,
  }));
}

/** "Remind me": the snooze presets in the app, then the same again with an email too ("email:<preset>"). */
export function remindOptions(timeZone?: string): PickOption[] {
  const presets = snoozeOptions(timeZone);
  return [
    ...presets.map((o) => ({ ...o, group: t('remind.inApp') })),
    ...presets.map((o) => ({ ...o, value: `email:${o.value}`, group: t('remind.withEmail') })),
  ];
}

export function snoozeOptions(timeZone?: string): PickOption[] {
  const now = Date.now();
  return SNOOZE_PRESETS.map((p) => ({ value: p, label: t(`snooze.${p}`), hint: formatShortDateTime(snoozeUntil(p, now, timeZone)) }));
}
