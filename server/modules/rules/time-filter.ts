import { sql, type RawBuilder } from 'kysely';
import { AUTHOR_BY_KIND } from './facts.js';
import type { Condition, Conditions } from './schemas.js';

/** The statuses a time rule may fire on at all: a resolved or closed ticket waits for nothing. */
export const TIME_STATUSES = ['open', 'pending', 'snoozed'] as const;

/**
 * What a time rule's plain `all` conditions let the minute job ask SQL instead of loading each
 * ticket: the statuses it can fire on (kept as the index's equality), and column tests. Only what
 * is implied by the conditions: the rule still checks all of them on each ticket found.
 */
export interface TimeFilter {
  statuses: string[];
  where: Array<RawBuilder<unknown>>;
}

const lower = (v: unknown): string => String(v).toLowerCase();
const texts = (v: Condition['value']): string[] | null => (Array.isArray(v) ? v.map(lower) : typeof v === 'string' || typeof v === 'number' ? [lower(v)] : null);
const ids = (v: Condition['value']): number[] | null => {
  const list = Array.isArray(v) ? v : [v];
  const out = list.map((x) => (typeof x === 'string' && /^\d+$/.test(x) ? Number(x) : x));
  return out.every((x): x is number => typeof x === 'number' && Number.isInteger(x)) ? out : null;
};

function narrowStatuses(statuses: string[], c: Condition): string[] {
  const values = texts(c.value);
  if (!values) return statuses;
  if (c.op === 'equals' || c.op === 'in') return statuses.filter((s) => values.includes(s));
  if (c.op === 'not_equals' || c.op === 'not_in') return statuses.filter((s) => !values.includes(s));
  return statuses;
}

function idClause(column: 'assignee_id' | 'team_id', c: Condition): RawBuilder<unknown> | null {
  const ref = sql.ref(`t.${column}`);
  if (c.op === 'is_empty') return sql`${ref} is null`;
  if (c.op === 'is_set') return sql`${ref} is not null`;
  if (c.op === 'equals' && c.value === null) return sql`${ref} is null`;
  const list = c.op === 'equals' || c.op === 'in' ? ids(c.value) : null;
  return list && list.length > 0 ? sql`${ref} in (${sql.join(list)})` : null;
}

const KINDS_BY_AUTHOR = new Map<string, string[]>();
for (const [kind, author] of Object.entries(AUTHOR_BY_KIND)) if (author) KINDS_BY_AUTHOR.set(author, [...(KINDS_BY_AUTHOR.get(author) ?? []), kind]);

function textClause(c: Condition): RawBuilder<unknown> | null {
  const values = c.op === 'equals' || c.op === 'in' ? texts(c.value) : null;
  // An empty value equals a missing one (no message yet): left to the rule.
  if (!values || values.length === 0 || values.includes('')) return null;
  if (c.field === 'priority') return sql`t.priority in (${sql.join(values)})`;
  if (c.field === 'last_message_by') {
    const kinds = values.flatMap((v) => KINDS_BY_AUTHOR.get(v) ?? []);
    return kinds.length > 0 ? sql`t.last_message_kind in (${sql.join(kinds)})` : sql`0`;
  }
  return null;
}

export function timeFilterOf(conditions: Conditions): TimeFilter {
  let statuses: string[] = [...TIME_STATUSES];
  const where: Array<RawBuilder<unknown>> = [];
  for (const c of conditions.all ?? []) {
    let clause: RawBuilder<unknown> | null = null;
    if (c.field === 'status') statuses = narrowStatuses(statuses, c);
    else if (c.field === 'assignee') clause = idClause('assignee_id', c);
    else if (c.field === 'team') clause = idClause('team_id', c);
    else clause = textClause(c);
    if (clause) where.push(clause);
  }
  return { statuses, where };
}
