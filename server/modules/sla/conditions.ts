import { TICKET_PRIORITIES, TICKET_STATUSES } from '../tickets/schemas.js';

/**
 * Which tickets a policy applies to. A condition names a ticket field or a contact attribute
 * (`contact.vip`); `all` must every one hold, `any` (when given) at least one.
 */
export const CONDITION_OPS = ['equals', 'not_equals', 'in', 'not_in', 'contains', 'not_contains'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];
export const CONDITION_FIELDS = ['priority', 'status', 'channel', 'team', 'labels'] as const;

export interface Condition {
  field: string;
  op: ConditionOp;
  value: unknown;
}
export interface Conditions {
  all?: Condition[] | undefined;
  any?: Condition[] | undefined;
}

/** What conditions look at, gathered once per ticket. */
export interface TicketFacts {
  priority: string;
  status: string;
  channelKind: string;
  channelName: string;
  teamId: number | null;
  labels: string[];
  contact: Record<string, unknown>;
}

export class ConditionProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const same = (a: unknown, b: unknown): boolean =>
  typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : a === b;

function valuesOf(facts: TicketFacts, field: string): unknown[] {
  switch (field) {
    case 'priority':
      return [facts.priority];
    case 'status':
      return [facts.status];
    case 'channel':
      return [facts.channelKind, facts.channelName];
    case 'team':
      return [facts.teamId];
    case 'labels':
      return facts.labels;
    default:
      return [facts.contact[field.slice('contact.'.length)] ?? null];
  }
}

function holds(c: Condition, facts: TicketFacts): boolean {
  const values = valuesOf(facts, c.field);
  const list = Array.isArray(c.value) ? c.value : [c.value];
  switch (c.op) {
    case 'equals':
    case 'contains':
      return values.some((v) => same(v, c.value));
    case 'not_equals':
    case 'not_contains':
      return !values.some((v) => same(v, c.value));
    case 'in':
      return values.some((v) => list.some((w) => same(v, w)));
    case 'not_in':
      return !values.some((v) => list.some((w) => same(v, w)));
  }
}

export function matches(conditions: Conditions, facts: TicketFacts): boolean {
  const all = conditions.all ?? [];
  const any = conditions.any ?? [];
  return all.every((c) => holds(c, facts)) && (any.length === 0 || any.some((c) => holds(c, facts)));
}

function checkOne(c: Condition, path: string): void {
  const known = (CONDITION_FIELDS as readonly string[]).includes(c.field) || /^contact\.[\w-]{1,64}$/.test(c.field);
  if (!known) throw new ConditionProblem(`${path}.field`, `unknown field "${c.field}" (one of ${CONDITION_FIELDS.join(', ')}, contact.<attribute>)`);
  const list = c.op === 'in' || c.op === 'not_in';
  if (list !== Array.isArray(c.value)) throw new ConditionProblem(`${path}.value`, list ? 'must be a list' : 'must be a single value');
  const check = (allowed: readonly string[]) => {
    for (const v of Array.isArray(c.value) ? c.value : [c.value]) {
      if (typeof v !== 'string' || !allowed.includes(v)) throw new ConditionProblem(`${path}.value`, `one of ${allowed.join(', ')}`);
    }
  };
  if (c.field === 'priority') check(TICKET_PRIORITIES);
  if (c.field === 'status') check(TICKET_STATUSES);
}

/** Throws a ConditionProblem naming the field, e.g. `conditions.all[0].value`. */
export function checkConditions(conditions: Conditions): void {
  for (const key of ['all', 'any'] as const) conditions[key]?.forEach((c, i) => checkOne(c, `conditions.${key}[${i}]`));
}
