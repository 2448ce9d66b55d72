// The rule editor's rows and their conversion to and from the API's conditions and actions.
import type { RuleAction, RuleCondition, RuleEvent } from '../../shared/types.js';

export const RULE_EVENTS: RuleEvent[] = ['ticket.created', 'message.customer', 'message.agent', 'ticket.updated', 'time'];

type FieldKind = 'text' | 'id' | 'list' | 'minutes' | 'hours';

export const CONDITION_FIELDS: Record<string, FieldKind> = {
  subject: 'text',
  body: 'text',
  channel: 'text',
  channel_name: 'text',
  status: 'text',
  priority: 'text',
  labels: 'list',
  team: 'id',
  assignee: 'id',
  sender_email: 'text',
  sender_domain: 'text',
  contact_attribute: 'text',
  custom_field: 'text',
  language: 'text',
  last_message_by: 'text',
  changed: 'list',
  minutes_since_created: 'minutes',
  minutes_since_activity: 'minutes',
  business_hours: 'hours',
};

export const OPS_BY_KIND: Record<FieldKind, string[]> = {
  text: ['contains', 'not_contains', 'equals', 'not_equals', 'in', 'not_in', 'matches', 'is_set', 'is_empty'],
  id: ['equals', 'not_equals', 'in', 'not_in', 'is_set', 'is_empty'],
  list: ['contains', 'not_contains', 'in', 'not_in', 'is_set', 'is_empty'],
  minutes: ['gte', 'lte'],
  hours: ['inside', 'outside'],
};

export const ACTION_TYPES: RuleAction['type'][] = [
  'add_labels',
  'remove_labels',
  'set_priority',
  'set_status',
  'assign_team',
  'assign_agent',
  'run_assignment',
  'set_custom_fields',
  'snooze',
  'add_note',
  'auto_reply',
  'email_agents',
  'webhook',
  'close_spam',
];

/** The subject of a rule's mail to a team; the editor asks only for the text. */
export const TEAM_MAIL_SUBJECT = 'Ticket #{{ticket.number}}: {{ticket.subject}}';

export const opsOf = (field: string): string[] => OPS_BY_KIND[CONDITION_FIELDS[field] ?? 'text'];
export const needsKey = (field: string): boolean => field === 'contact_attribute' || field === 'custom_field';
export const needsValue = (op: string): boolean => op !== 'is_set' && op !== 'is_empty';

/** One editable condition: the value as typed (a list is comma-separated). */
export interface ConditionRow {
  field: string;
  op: string;
  key: string;
  value: string;
}

/** One editable action: `value` is its one parameter as typed (labels comma-separated, key=value lines for fields). */
export interface ActionRow {
  type: RuleAction['type'];
  value: string;
  /** email_agents: the mail's text (value is the team) */
  text?: string;
}

const list = (s: string): string[] => s.split(',').map((x) => x.trim()).filter((x) => x !== '');

export function toCondition(row: ConditionRow): RuleCondition {
  const kind = CONDITION_FIELDS[row.field] ?? 'text';
  const out: RuleCondition = { field: row.field, op: row.op };
  if (needsKey(row.field)) out.key = row.key.trim();
  if (!needsValue(row.op)) return out;
  const numeric = kind === 'id' || kind === 'minutes' || kind === 'hours';
  if (row.op === 'in' || row.op === 'not_in') out.value = numeric ? list(row.value).map(Number) : list(row.value);
  else if (kind === 'hours') out.value = row.value.trim() === '' ? null : Number(row.value);
  else out.value = numeric ? Number(row.value) : row.value;
  return out;
}

export function fromCondition(c: RuleCondition): ConditionRow {
  const value = Array.isArray(c.value) ? c.value.join(', ') : c.value === undefined || c.value === null ? '' : String(c.value);
  return { field: c.field, op: c.op, key: c.key ?? '', value };
}

function fields(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

export function toAction(row: ActionRow): RuleAction {
  const v = row.value.trim();
  switch (row.type) {
    case 'add_labels':
    case 'remove_labels':
      return { type: row.type, labels: list(v) };
    case 'set_priority':
      return { type: 'set_priority', priority: (v || 'high') as Extract<RuleAction, { type: 'set_priority' }>['priority'] };
    case 'set_status':
      return { type: 'set_status', status: (v || 'open') as Extract<RuleAction, { type: 'set_status' }>['status'] };
    case 'assign_team':
      return { type: 'assign_team', teamId: v === '' ? null : Number(v) };
    case 'assign_agent':
      return { type: 'assign_agent', agentId: v === '' ? null : Number(v) };
    case 'set_custom_fields':
      return { type: 'set_custom_fields', fields: fields(row.value) };
    case 'snooze':
      return { type: 'snooze', minutes: Number(v) || 60 };
    case 'add_note':
    case 'auto_reply':
      return { type: row.type, text: row.value };
    case 'email_agents':
      return { type: 'email_agents', teamId: Number(v), subject: TEAM_MAIL_SUBJECT, text: row.text ?? '' };
    case 'webhook':
      return { type: 'webhook', url: v };
    case 'close_spam':
    case 'run_assignment':
      return { type: row.type };
  }
}

export function fromAction(a: RuleAction): ActionRow {
  switch (a.type) {
    case 'add_labels':
    case 'remove_labels':
      return { type: a.type, value: a.labels.join(', ') };
    case 'set_priority':
      return { type: a.type, value: a.priority };
    case 'set_status':
      return { type: a.type, value: a.status };
    case 'assign_team':
      return { type: a.type, value: a.teamId === null ? '' : String(a.teamId) };
    case 'assign_agent':
      return { type: a.type, value: a.agentId === null ? '' : String(a.agentId) };
    case 'set_custom_fields':
      return { type: a.type, value: Object.entries(a.fields).map(([k, v]) => `${k}=${String(v)}`).join('\n') };
    case 'snooze':
      return { type: a.type, value: String(a.minutes) };
    case 'add_note':
    case 'auto_reply':
      return { type: a.type, value: a.text };
    case 'email_agents':
      return { type: a.type, value: a.teamId === undefined ? '' : String(a.teamId), text: a.text };
    case 'webhook':
      return { type: a.type, value: a.url };
    case 'close_spam':
    case 'run_assignment':
      return { type: a.type, value: '' };
  }
}
