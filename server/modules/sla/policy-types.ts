import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TicketPrioritySchema } from '../tickets/schemas.js';
import { CONDITION_OPS } from './conditions.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
// No `minimum` here: the validator would coerce a 0 into the null branch and silently drop the target;
// the service refuses 0 and negatives naming the field instead.
const Minutes = Type.Integer({ maximum: 525_600, description: 'minutes above 0; null or absent: no such target' });

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
    },
    { additionalProperties: false, description: 'an in-app notification; supervisors are those of the ticket team (or all when it has none)' },
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
    firstResponseMinutes: Type.Optional(Nullable(Minutes)),
    nextResponseMinutes: Type.Optional(Nullable(Minutes)),
    resolutionMinutes: Type.Optional(Nullable(Minutes)),
  },
  { additionalProperties: false },
);
export const WarningSchema = Type.Object(
  {
    minutes: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 525_600 }))),
    percent: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 99 }))),
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
  businessHoursId: Nullable(Type.Integer({ minimum: 1 })),
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
