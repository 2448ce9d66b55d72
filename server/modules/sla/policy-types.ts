import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TicketPrioritySchema } from '../tickets/schemas.js';
import { CONDITION_OPS } from './conditions.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
/**
 * An integer or null as one JSON-schema type list, not a union: with type coercion on, a union's
 * branches coerce (null into 0, or 0 into null) before the right one is tried, so a cleared target
 * came back as 0 and a 0 could vanish as "no target". The service refuses 0 and negatives by name.
 */
const NullableInt = (description: string) => Type.Unsafe<number | null>({ type: ['integer', 'null'], maximum: 525_600, description });
const Minutes = NullableInt('minutes above 0; null or absent: no such target');

export const ConditionSchema = Type.Object(
  {
    field: Type.String({ minLength: 1, maxLength: 80, description: 'priority, status, channel, team, labels or contact.<attribute>' }),
    op: Type.Union(CONDITION_OPS.map((o) => Type.Literal(o))),
    value: Type.Unknown(),
  },
  { additionalProperties: false },
);
export const ConditionsSchema = Type.Object(
  { all: Type.Optional(Type.Array(ConditionSchema, { maxItems: 50 })), any: Type.Optional(Type.Array(ConditionSchema, { maxItems: 50 })) },
  { additionalProperties: false, description: 'every `all` condition and, when given, one of `any`; empty matches every ticket' },
);

export const ActionSchema = Type.Union([
  Type.Object(
    {
      type: Type.Literal('notify'),
      to: Type.Union([Type.Literal('assignee'), Type.Literal('supervisors'), Type.Literal('agents')]),
      agentIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 50 })),
      email: Type.Optional(Type.Boolean({ description: 'also mail each agent, in their language' })),
    },
    { additionalProperties: false, description: 'an in-app notification, and an email when `email` is true; supervisors are those of the ticket team (or all when it has none)' },
  ),
  Type.Object({ type: Type.Literal('set_priority'), priority: TicketPrioritySchema }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('assign_team'), teamId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('add_note'), text: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
]);
export type SlaAction = Static<typeof ActionSchema>;
export const EscalationSchema = Type.Object(
  { warning: Type.Array(ActionSchema, { maxItems: 20 }), breach: Type.Array(ActionSchema, { maxItems: 20 }) },
  { additionalProperties: false },
);
export type Escalation = Static<typeof EscalationSchema>;

export const TargetsSchema = Type.Object(
  {
    firstResponseMinutes: Type.Optional(Minutes),
    nextResponseMinutes: Type.Optional(Minutes),
    resolutionMinutes: Type.Optional(Minutes),
  },
  { additionalProperties: false },
);
export const WarningSchema = Type.Object(
  {
    minutes: Type.Optional(NullableInt('minutes before the due time')),
    percent: Type.Optional(NullableInt('1 to 99: warn when this share of the target is left')),
  },
  { additionalProperties: false, description: 'when to warn: minutes before the due time, or a share of the target left; minutes wins' },
);

export const SlaPolicySchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  position: Type.Integer({ description: 'the first enabled policy whose conditions hold applies, lowest position first' }),
  enabled: Type.Boolean(),
  conditions: ConditionsSchema,
  businessHoursId: Nullable(Type.Integer({ description: 'null counts calendar time' })),
  pauseWhenPending: Type.Boolean(),
  pauseWhenSnoozed: Type.Boolean(),
  targets: Type.Object({
    firstResponseMinutes: Nullable(Type.Integer()),
    nextResponseMinutes: Nullable(Type.Integer()),
    resolutionMinutes: Nullable(Type.Integer()),
  }),
  warning: Type.Object({ minutes: Nullable(Type.Integer()), percent: Nullable(Type.Integer()) }),
  escalation: EscalationSchema,
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type SlaPolicyView = Static<typeof SlaPolicySchema>;

export const PolicyInputFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  enabled: Type.Boolean(),
  conditions: ConditionsSchema,
  businessHoursId: Type.Unsafe<number | null>({ type: ['integer', 'null'], description: 'a business-hours calendar; null counts calendar time' }),
  pauseWhenPending: Type.Boolean(),
  pauseWhenSnoozed: Type.Boolean(),
  targets: TargetsSchema,
  warning: WarningSchema,
  escalation: EscalationSchema,
};

export const ClockSchema = Type.Object({
  dueAt: Nullable(Type.String({ description: 'null while paused' })),
  status: Type.Union(['running', 'paused', 'met', 'breached'].map((s) => Type.Literal(s))),
  metAt: Nullable(Type.String()),
  warnAt: Nullable(Type.String()),
});
export const TicketSlaSchema = Nullable(
  Type.Object({
    policyId: Type.Integer(),
    policyName: Type.String(),
    firstResponse: Nullable(ClockSchema),
    nextResponse: Nullable(ClockSchema),
    resolution: Nullable(ClockSchema),
  }),
);
export type TicketSlaView = Static<typeof TicketSlaSchema>;
