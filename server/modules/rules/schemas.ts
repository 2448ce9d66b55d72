import { Type, type Static, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import { TicketPrioritySchema, TicketStatusSchema } from '../tickets/schemas.js';

const literals = <const T extends readonly string[]>(values: T): TUnion<Array<TLiteral<T[number]>>> =>
  Type.Union(values.map((v) => Type.Literal(v)));
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** What starts a rule: an event the ticket service or intake emits, or the minute job (`time`). */
export const RULE_EVENTS = ['ticket.created', 'message.customer', 'message.agent', 'ticket.updated', 'time'] as const;
export type RuleEvent = (typeof RULE_EVENTS)[number];

export const CONDITION_FIELDS = [
  'channel',
  'channel_name',
  'team',
  'status',
  'priority',
  'labels',
  'assignee',
  'subject',
  'body',
  'sender_email',
  'sender_domain',
  'contact_attribute',
  'language',
  'custom_field',
  'business_hours',
  'minutes_since_created',
  'minutes_since_activity',
  'last_message_by',
  'changed',
] as const;
export type ConditionField = (typeof CONDITION_FIELDS)[number];

export const CONDITION_OPS = [
  'equals',
  'not_equals',
  'contains',
  'not_contains',
  'in',
  'not_in',
  'matches',
  'is_set',
  'is_empty',
  'gte',
  'lte',
  'inside',
  'outside',
] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

// Numbers first: request validation coerces types, and a number tried as text first would arrive as a string.
const Scalar = Type.Union([Type.Number(), Type.Boolean(), Type.String({ maxLength: 2000 }), Type.Null()]);

export const ConditionSchema = Type.Object(
  {
    field: literals(CONDITION_FIELDS),
    op: literals(CONDITION_OPS),
    value: Type.Optional(Type.Union([Scalar, Type.Array(Type.Union([Type.Number(), Type.String({ maxLength: 500 })]), { maxItems: 200 })])),
    key: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'the attribute or custom field, for contact_attribute and custom_field' })),
  },
  { additionalProperties: false },
);
export type Condition = Static<typeof ConditionSchema>;

export const ConditionsSchema = Type.Object(
  {
    all: Type.Optional(Type.Array(ConditionSchema, { maxItems: 50 })),
    any: Type.Optional(Type.Array(ConditionSchema, { maxItems: 50 })),
  },
  { additionalProperties: false, description: 'every `all` condition and at least one `any` condition (when given) must hold' },
);
export type Conditions = Static<typeof ConditionsSchema>;

const Labels = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 50 });
const act = <T extends string, P extends Record<string, TSchema>>(type: T, props: P) =>
  Type.Object({ type: Type.Literal(type), ...props }, { additionalProperties: false });

export const ActionSchema = Type.Union([
  act('assign_agent', { agentId: Nullable(Type.Integer()) }),
  act('assign_team', { teamId: Nullable(Type.Integer()) }),
  Type.Object(
    { type: Type.Literal('run_assignment') },
    {
      additionalProperties: false,
      description: "hands an unassigned open ticket to its team's automatic assignment after the rule's changes (after assign_team, the new team's); queued when nobody is free",
    },
  ),
  act('set_status', { status: TicketStatusSchema }),
  act('set_priority', { priority: TicketPrioritySchema }),
  act('add_labels', { labels: Labels }),
  act('remove_labels', { labels: Labels }),
  act('set_custom_fields', { fields: Type.Record(Type.String({ maxLength: 100 }), Type.Unknown()) }),
  act('snooze', { minutes: Type.Integer({ minimum: 1, maximum: 60 * 24 * 365 }) }),
  act('add_note', { text: Type.String({ minLength: 1, maxLength: 10_000 }) }),
  act('auto_reply', {
    text: Type.String({ minLength: 1, maxLength: 10_000, description: 'placeholders: {{contact.name}} {{ticket.number}} {{ticket.subject}}' }),
    maxPerContactPerDay: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'default 3' })),
  }),
  act('email_agents', {
    agentId: Type.Optional(Type.Integer({ description: 'one agent; or teamId for every member of a team' })),
    teamId: Type.Optional(Type.Integer()),
    subject: Type.String({ minLength: 1, maxLength: 300, description: 'placeholders as for auto_reply' }),
    text: Type.String({ minLength: 1, maxLength: 10_000 }),
  }),
  act('webhook', {
    url: Type.String({ minLength: 1, maxLength: 2000, pattern: '^https?://', description: 'receives a JSON POST; retried with backoff through the outbox' }),
  }),
  act('close_spam', {}),
]);
export type Action = Static<typeof ActionSchema>;

export const RuleSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  event: literals(RULE_EVENTS),
  conditions: ConditionsSchema,
  actions: Type.Array(ActionSchema),
  enabled: Type.Boolean(),
  stopProcessing: Type.Boolean({ description: 'when it matches, later rules do not run for this event' }),
  position: Type.Integer(),
  version: Type.Integer({ description: 'send it back on PATCH; a stale version is refused with 409' }),
  broken: Nullable(Type.String({ description: 'why the rule is skipped (a deleted team, agent or label); null when it can run' })),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type RuleView = Static<typeof RuleSchema>;

const Name = Type.String({ minLength: 1, maxLength: 200 });

export const RuleCreateSchema = Type.Object(
  {
    name: Name,
    event: literals(RULE_EVENTS),
    conditions: ConditionsSchema,
    actions: Type.Array(ActionSchema, { minItems: 1, maxItems: 20 }),
    enabled: Type.Optional(Type.Boolean()),
    stopProcessing: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type RuleInput = Static<typeof RuleCreateSchema>;

export const RulePatchSchema = Type.Object(
  {
    version: Type.Integer({ description: 'the version the editor loaded' }),
    name: Type.Optional(Name),
    event: Type.Optional(literals(RULE_EVENTS)),
    conditions: Type.Optional(ConditionsSchema),
    actions: Type.Optional(Type.Array(ActionSchema, { minItems: 1, maxItems: 20 })),
    enabled: Type.Optional(Type.Boolean()),
    stopProcessing: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type RulePatch = Static<typeof RulePatchSchema>;

export const ConditionResultSchema = Type.Object({ group: literals(['all', 'any'] as const), index: Type.Integer(), condition: ConditionSchema, matched: Type.Boolean() });
export const DryRunSchema = Type.Object({
  matched: Type.Boolean(),
  conditions: Type.Array(ConditionResultSchema),
  actions: Type.Array(Type.Object({ action: ActionSchema, description: Type.String() })),
  broken: Nullable(Type.String()),
});
export type DryRunView = Static<typeof DryRunSchema>;
