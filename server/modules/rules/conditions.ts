import { BadRequest } from '../../http/errors.js';
import type { Condition, ConditionField, ConditionOp, Conditions } from './schemas.js';

/** What conditions look at: one ticket and the event that woke the rules, read once per event. */
export interface TicketFacts {
  channel: string;
  channelName: string;
  teamId: number | null;
  status: string;
  priority: string;
  labels: string[];
  assigneeId: number | null;
  subject: string;
  /** the message that triggered the event; the first message for ticket.created and time rules */
  body: string;
  senderEmail: string | null;
  language: string | null;
  contactAttributes: Record<string, unknown>;
  customFields: Record<string, unknown>;
  /** ms since epoch */
  createdAt: number;
  lastActivityAt: number;
  lastMessageBy: 'contact' | 'agent' | 'system' | null;
  /** ticket.updated: the fields that changed */
  changed: string[];
}

/**
 * Business-hours calendars live in their own module; the evaluator only asks this.
 * `calendarId` null means the default calendar.
 */
export interface BusinessHours {
  isOpenAt(calendarId: number | null, instant: number): boolean;
}

export interface EvalEnv {
  now: number;
  hours: BusinessHours;
}

type Predicate = (facts: TicketFacts, env: EvalEnv) => boolean;

export interface CompiledConditions {
  all: Predicate[];
  any: Predicate[];
}

const STRING_FIELDS = new Set<ConditionField>([
  'channel',
  'channel_name',
  'status',
  'priority',
  'subject',
  'body',
  'sender_email',
  'sender_domain',
  'language',
  'last_message_by',
  'contact_attribute',
  'custom_field',
]);
const ID_FIELDS = new Set<ConditionField>(['team', 'assignee']);
const LIST_FIELDS = new Set<ConditionField>(['labels', 'changed']);
const MINUTE_FIELDS = new Set<ConditionField>(['minutes_since_created', 'minutes_since_activity']);

const OPS_BY_KIND: Record<'string' | 'id' | 'list' | 'minutes' | 'hours', ReadonlySet<ConditionOp>> = {
  string: new Set(['equals', 'not_equals', 'contains', 'not_contains', 'in', 'not_in', 'matches', 'is_set', 'is_empty']),
  id: new Set(['equals', 'not_equals', 'in', 'not_in', 'is_set', 'is_empty']),
  list: new Set(['contains', 'not_contains', 'in', 'not_in', 'is_set', 'is_empty']),
  minutes: new Set(['gte', 'lte']),
  hours: new Set(['inside', 'outside']),
};

function kindOf(field: ConditionField): keyof typeof OPS_BY_KIND {
  if (STRING_FIELDS.has(field)) return 'string';
  if (ID_FIELDS.has(field)) return 'id';
  if (LIST_FIELDS.has(field)) return 'list';
  if (MINUTE_FIELDS.has(field)) return 'minutes';
  return 'hours';
}

const lower = (v: unknown): string => (v === null || v === undefined ? '' : String(v).toLowerCase());

function stringOf(field: ConditionField, key: string | undefined, f: TicketFacts): string | null {
  switch (field) {
    case 'channel':
      return f.channel;
    case 'channel_name':
      return f.channelName;
    case 'status':
      return f.status;
    case 'priority':
      return f.priority;
    case 'subject':
      return f.subject;
    case 'body':
      return f.body;
    case 'sender_email':
      return f.senderEmail;
    case 'sender_domain':
      return f.senderEmail ? (f.senderEmail.split('@')[1] ?? null) : null;
    case 'language':
      return f.language;
    case 'last_message_by':
      return f.lastMessageBy;
    case 'contact_attribute':
      return scalar(f.contactAttributes[key ?? '']);
    case 'custom_field':
      return scalar(f.customFields[key ?? '']);
    default:
      return null;
  }
}

const scalar = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : typeof v === 'object' ? JSON.stringify(v) : String(v));

function fail(path: string, message: string): never {
  throw new BadRequest(`${path}: ${message}`, { field: path });
}

function stringList(path: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) fail(`${path}.value`, 'expected a non-empty list');
  return value.map((v) => lower(v));
}

function needString(path: string, value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') fail(`${path}.value`, 'expected a text value');
  return lower(value);
}

/**
 * Lower-cased field values, per facts object: a hundred rules asking whether a long body contains
 * something lower-case it once, not a hundred times. Facts are made fresh for each event and never changed.
 */
const LOWERED = new WeakMap<TicketFacts, Map<string, string>>();

function loweredOf(f: TicketFacts, cacheKey: string, read: (f: TicketFacts) => string | null): string {
  let cache = LOWERED.get(f);
  if (!cache) {
    cache = new Map();
    LOWERED.set(f, cache);
  }
  let value = cache.get(cacheKey);
  if (value === undefined) {
    value = lower(read(f));
    cache.set(cacheKey, value);
  }
  return value;
}

function compileString(path: string, c: Condition, readRaw: (f: TicketFacts) => string | null): Predicate {
  const cacheKey = `${c.field}\u0000${c.key ?? ''}`;
  const read = (f: TicketFacts): string => loweredOf(f, cacheKey, readRaw);
  switch (c.op) {
    case 'equals': {
      const want = needString(path, c.value);
      return (f) => read(f) === want;
    }
    case 'not_equals': {
      const want = needString(path, c.value);
      return (f) => read(f) !== want;
    }
    case 'contains': {
      const want = needString(path, c.value);
      return (f) => read(f).includes(want);
    }
    case 'not_contains': {
      const want = needString(path, c.value);
      return (f) => !read(f).includes(want);
    }
    case 'in': {
      const want = new Set(stringList(path, c.value));
      return (f) => want.has(read(f));
    }
    case 'not_in': {
      const want = new Set(stringList(path, c.value));
      return (f) => !want.has(read(f));
    }
    case 'matches': {
      if (typeof c.value !== 'string' || c.value === '') fail(`${path}.value`, 'expected a regular expression');
      if (c.value.length > 500) fail(`${path}.value`, 'regular expression longer than 500 characters');
      // Case-blind but not in unicode mode: 'iu' made a hundred body regexes ~25x slower.
      let re: RegExp;
      try {
        re = new RegExp(c.value, 'i');
      } catch (err) {
        fail(`${path}.value`, `invalid regular expression (${(err as Error).message})`);
      }
      return (f) => re.test(readRaw(f) ?? '');
    }
    case 'is_set':
      return (f) => read(f) !== '';
    case 'is_empty':
      return (f) => read(f) === '';
    default:
      return fail(`${path}.op`, `${c.op} does not apply to ${c.field}`);
  }
}

function idList(path: string, value: unknown): Set<number | null> {
  if (!Array.isArray(value) || value.length === 0) fail(`${path}.value`, 'expected a non-empty list of ids');
  return new Set(value.map((v) => needId(path, v)));
}

const numeric = (value: unknown): unknown => (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value);

function needId(path: string, raw: unknown): number | null {
  if (raw === null) return null;
  const value = numeric(raw);
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(`${path}.value`, 'expected an id or null');
  return value;
}

function compileId(path: string, c: Condition, read: (f: TicketFacts) => number | null): Predicate {
  switch (c.op) {
    case 'equals': {
      const want = needId(path, c.value);
      return (f) => read(f) === want;
    }
    case 'not_equals': {
      const want = needId(path, c.value);
      return (f) => read(f) !== want;
    }
    case 'in': {
      const want = idList(path, c.value);
      return (f) => want.has(read(f));
    }
    case 'not_in': {
      const want = idList(path, c.value);
      return (f) => !want.has(read(f));
    }
    case 'is_set':
      return (f) => read(f) !== null;
    default:
      return (f) => read(f) === null;
  }
}

function compileList(path: string, c: Condition, read: (f: TicketFacts) => string[]): Predicate {
  const has = (f: TicketFacts, v: string): boolean => read(f).some((x) => x.toLowerCase() === v);
  switch (c.op) {
    case 'contains': {
      const want = needString(path, c.value);
      return (f) => has(f, want);
    }
    case 'not_contains': {
      const want = needString(path, c.value);
      return (f) => !has(f, want);
    }
    case 'in': {
      const want = stringList(path, c.value);
      return (f) => want.some((v) => has(f, v));
    }
    case 'not_in': {
      const want = stringList(path, c.value);
      return (f) => !want.some((v) => has(f, v));
    }
    case 'is_set':
      return (f) => read(f).length > 0;
    default:
      return (f) => read(f).length === 0;
  }
}

function compileOne(path: string, c: Condition): Predicate {
  if (!OPS_BY_KIND[kindOf(c.field)].has(c.op)) fail(`${path}.op`, `${c.op} does not apply to ${c.field}`);
  if ((c.field === 'contact_attribute' || c.field === 'custom_field') && !c.key) fail(`${path}.key`, `${c.field} needs a key`);
  switch (kindOf(c.field)) {
    case 'string':
      return compileString(path, c, (f) => stringOf(c.field, c.key, f));
    case 'id':
      return compileId(path, c, c.field === 'team' ? (f) => f.teamId : (f) => f.assigneeId);
    case 'list':
      return compileList(path, c, c.field === 'labels' ? (f) => f.labels : (f) => f.changed);
    case 'minutes': {
      const value = numeric(c.value);
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(`${path}.value`, 'expected a number of minutes');
      const ms = value * 60_000;
      const since = c.field === 'minutes_since_created' ? (f: TicketFacts) => f.createdAt : (f: TicketFacts) => f.lastActivityAt;
      return c.op === 'gte' ? (f, env) => env.now - since(f) >= ms : (f, env) => env.now - since(f) <= ms;
    }
    case 'hours': {
      const calendar = c.value === undefined ? null : needId(path, c.value);
      const inside = c.op === 'inside';
      return (_f, env) => env.hours.isOpenAt(calendar, env.now) === inside;
    }
  }
}

/** Checks and compiles a rule's conditions; a bad one is a 400 naming it (`conditions.all[0].value`). */
export function compileConditions(conditions: Conditions): CompiledConditions {
  return {
    all: (conditions.all ?? []).map((c, i) => compileOne(`conditions.all[${i}]`, c)),
    any: (conditions.any ?? []).map((c, i) => compileOne(`conditions.any[${i}]`, c)),
  };
}

export function matches(compiled: CompiledConditions, facts: TicketFacts, env: EvalEnv): boolean {
  for (const p of compiled.all) if (!p(facts, env)) return false;
  if (compiled.any.length === 0) return true;
  for (const p of compiled.any) if (p(facts, env)) return true;
  return false;
}

/** Each condition's own result, for the dry run. */
export function explain(compiled: CompiledConditions, facts: TicketFacts, env: EvalEnv): { group: 'all' | 'any'; index: number; matched: boolean }[] {
  return [
    ...compiled.all.map((p, index) => ({ group: 'all' as const, index, matched: p(facts, env) })),
    ...compiled.any.map((p, index) => ({ group: 'any' as const, index, matched: p(facts, env) })),
  ];
}

/** Before the runner starts (and in pure tests): every instant counts as open. */
export const alwaysOpen: BusinessHours = { isOpenAt: () => true };
