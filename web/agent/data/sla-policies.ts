/** SLA policies as the API returns them, and the simple form the settings screen edits. */
import type { Priority } from '../../shared/types.js';

export interface SlaCondition {
  field: string;
  op: 'equals' | 'not_equals' | 'in' | 'not_in' | 'contains' | 'not_contains';
  value: unknown;
}
export type SlaAction =
  | { type: 'notify'; to: 'assignee' | 'supervisors' | 'agents'; agentIds?: number[]; email?: boolean }
  | { type: 'set_priority'; priority: Priority }
  | { type: 'assign_team'; teamId: number }
  | { type: 'add_note'; text: string };

export interface SlaPolicy {
  id: number;
  name: string;
  position: number;
  enabled: boolean;
  conditions: { all?: SlaCondition[]; any?: SlaCondition[] };
  businessHoursId: number | null;
  pauseWhenPending: boolean;
  pauseWhenSnoozed: boolean;
  targets: { firstResponseMinutes: number | null; nextResponseMinutes: number | null; resolutionMinutes: number | null };
  warning: { minutes: number | null; percent: number | null };
  escalation: { warning: SlaAction[]; breach: SlaAction[] };
}

/** The conditions the form offers; others set through the API are kept as they are. */
export interface SimpleConditions {
  priorities: Priority[];
  channel: string;
  label: string;
  attribute: string;
  rest: SlaCondition[];
}

export function simpleConditions(all: SlaCondition[] = []): SimpleConditions {
  const out: SimpleConditions = { priorities: [], channel: '', label: '', attribute: '', rest: [] };
  for (const c of all) {
    if (c.field === 'priority' && c.op === 'in' && Array.isArray(c.value)) out.priorities = c.value as Priority[];
    else if (c.field === 'priority' && c.op === 'equals') out.priorities = [c.value as Priority];
    else if (c.field === 'channel' && c.op === 'equals' && !out.channel) out.channel = String(c.value);
    else if (c.field === 'labels' && c.op === 'contains' && !out.label) out.label = String(c.value);
    else if (c.field.startsWith('contact.') && c.op === 'equals' && !out.attribute) out.attribute = `${c.field.slice(8)} = ${JSON.stringify(c.value)}`;
    else out.rest.push(c);
  }
  return out;
}

/** "vip = true" → contact.vip equals true; the value is JSON when it reads as JSON, else text. */
function attributeCondition(text: string): SlaCondition | null {
  const m = /^\s*([\w-]+)\s*[=:＝：]\s*(.*?)\s*$/.exec(text);
  if (!m) return text.trim() ? { field: `contact.${text.trim()}`, op: 'equals', value: true } : null;
  let value: unknown = m[2];
  try {
    value = JSON.parse(m[2] ?? '');
  } catch {
    // plain text
  }
  return { field: `contact.${m[1]}`, op: 'equals', value };
}

export function conditionsFrom(s: SimpleConditions): SlaCondition[] {
  const all: SlaCondition[] = [];
  if (s.priorities.length > 0) all.push({ field: 'priority', op: 'in', value: s.priorities });
  if (s.channel.trim()) all.push({ field: 'channel', op: 'equals', value: s.channel.trim() });
  if (s.label.trim()) all.push({ field: 'labels', op: 'contains', value: s.label.trim() });
  const attr = attributeCondition(s.attribute);
  if (attr) all.push(attr);
  return [...all, ...s.rest];
}
