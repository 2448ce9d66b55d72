// A ticket's changes (assigned, transferred, status, snooze, priority, labels) as timeline lines in the agent's language.
import { t } from '../../shared/i18n/i18n.js';
import { formatDateTime } from '../../shared/format.js';
import type { NamedRef, TimelineChange, TimelineEvent } from '../../shared/types.js';
import type { IconName } from '../icons.js';
import { lineParts, type LinePart } from './line-parts.js';

export interface EventLine {
  icon: IconName;
  parts: LinePart[];
}

function actorName(ev: TimelineEvent): string {
  switch (ev.actor.kind) {
    case 'agent':
      return ev.actor.name ?? t('event.actorSomeone');
    case 'contact':
      return ev.actor.name ?? t('event.actorCustomer');
    case 'automation':
      return ev.actor.name ? t('event.actorRule', { name: ev.actor.name }) : t('event.actorAutomation');
    default:
      return t('event.actorSystem');
  }
}

const agent = (r: NamedRef): string => r?.name ?? t('event.actorSomeone');
const team = (r: NamedRef): string => r?.name ?? t('event.deletedTeam', { id: r?.id ?? '' });

function statusLine(ev: TimelineEvent, name: string, c: Extract<TimelineChange, { field: 'status' }>, snooze: string | null): EventLine {
  const from = c.from ? t(`status.${c.from}`) : '—';
  const to = t(`status.${c.to}`);
  if (c.to === 'snoozed' && snooze) return { icon: 'clock', parts: lineParts('event.snoozed', { name, at: formatDateTime(snooze) }) };
  if (ev.kind === 'reopened') return { icon: 'refresh', parts: lineParts('event.reopened', { name }) };
  if (ev.actor.kind === 'contact') return { icon: 'reply', parts: lineParts('event.statusByReply', { name, from, to }) };
  if (ev.actor.kind === 'system' && c.from === 'snoozed') return { icon: 'clock', parts: lineParts('event.snoozeEnded', { from, to }) };
  const resolved = c.to === 'resolved' || c.to === 'closed';
  return { icon: resolved ? 'checkCircle' : 'refresh', parts: lineParts('event.status', { name, from, to }) };
}

const RULE_ACTIONS = ['add_note', 'auto_reply', 'email_agents', 'webhook', 'run_assignment'] as const;
const isRuleAction = (a: string): a is (typeof RULE_ACTIONS)[number] => (RULE_ACTIONS as readonly string[]).includes(a);

/** One line per change worth reading; a snooze and its time are one line. */
export function eventLines(ev: TimelineEvent): EventLine[] {
  const name = actorName(ev);
  const snoozeChange = ev.changes.find((c): c is Extract<TimelineChange, { field: 'snoozedUntil' }> => c.field === 'snoozedUntil');
  const statusChange = ev.changes.find((c) => c.field === 'status');
  const lines: EventLine[] = [];
  for (const c of ev.changes) {
    switch (c.field) {
      case 'status':
        lines.push(statusLine(ev, name, c, snoozeChange?.to ?? null));
        break;
      case 'snoozedUntil':
        // A new wake-up time for a ticket that stays snoozed; otherwise the status line says it all.
        if (!statusChange && c.to) lines.push({ icon: 'clock', parts: lineParts('event.snoozed', { name, at: formatDateTime(c.to) }) });
        break;
      case 'assignee':
        if (c.to && ev.actor.kind === 'agent' && c.to.id === ev.actor.id) lines.push({ icon: 'user', parts: lineParts('event.assignedSelf', { name }) });
        else if (c.to) lines.push({ icon: 'user', parts: lineParts('event.assigned', { name, to: agent(c.to) }) });
        else if (c.from) lines.push({ icon: 'unassigned', parts: lineParts('event.unassigned', { name, from: agent(c.from) }) });
        break;
      case 'team':
        if (c.to) lines.push({ icon: 'users', parts: lineParts('event.transferred', { name, team: team(c.to) }) });
        else if (c.from) lines.push({ icon: 'users', parts: lineParts('event.teamRemoved', { name, team: team(c.from) }) });
        break;
      case 'priority':
        lines.push({
          icon: 'flag',
          parts: lineParts('event.priority', { name, from: c.from ? t(`priority.${c.from}`) : '—', to: t(`priority.${c.to}`) }),
        });
        break;
      case 'labels':
        if (c.added.length) lines.push({ icon: 'tag', parts: lineParts(c.added.length > 1 ? 'event.labelsAdded' : 'event.labelAdded', { name, labels: c.added }) });
        if (c.removed.length) lines.push({ icon: 'tag', parts: lineParts(c.removed.length > 1 ? 'event.labelsRemoved' : 'event.labelRemoved', { name, labels: c.removed }) });
        break;
      case 'subject':
        lines.push({ icon: 'note', parts: lineParts('event.subject', { name, subject: c.to }) });
        break;
      case 'rule': {
        const actions = c.actions.map((a) => (isRuleAction(a) ? t(`rules.action.${a}`) : a));
        lines.push({ icon: 'bolt', parts: lineParts('event.ruleActions', { name, actions }) });
        break;
      }
    }
  }
  return lines;
}

/** The changes the server shows as events; a live ticket.updated naming one of these has a line to fetch. */
export const EVENT_FIELDS = new Set(['status', 'snoozedUntil', 'priority', 'assigneeId', 'teamId', 'labels', 'subject']);

/** Known events plus newer ones, each once, in the order they happened. */
export function mergeEvents(known: readonly TimelineEvent[], more: readonly TimelineEvent[]): TimelineEvent[] {
  if (more.length === 0) return known as TimelineEvent[];
  const byId = new Map(known.map((e) => [e.id, e]));
  for (const e of more) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}
