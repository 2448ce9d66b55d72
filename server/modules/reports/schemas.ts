import { Type, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const ReportQuerySchema = Type.Object({
  from: Type.String({ description: 'ISO 8601 start, inclusive', maxLength: 40 }),
  to: Type.String({ description: 'ISO 8601 end, exclusive; at most 366 days after from', maxLength: 40 }),
  timezone: Type.Optional(Type.String({ description: 'IANA time zone for hours and days (default UTC)', maxLength: 64 })),
  channel: Type.Optional(Type.String({ description: 'a channel kind (email, widget...) or channel name', maxLength: 100 })),
  teamId: Type.Optional(Type.Integer({ minimum: 1 })),
  agentId: Type.Optional(Type.Integer({ minimum: 1, description: 'the assignee' })),
  label: Type.Optional(Type.String({ maxLength: 100 })),
  priority: Type.Optional(Type.String({ description: 'comma-separated: low, normal, high, urgent', maxLength: 40 })),
  businessHoursId: Type.Optional(Type.Integer({ minimum: 1, description: 'overview only: also count times in these business hours' })),
});

export const BreakdownQuerySchema = Type.Composite([
  ReportQuerySchema,
  Type.Object({ by: Type.String({ description: 'channel, team, agent, label or priority', maxLength: 20 }) }),
]);

const Duration = Type.Object(
  {
    median: Nullable(Type.Number()),
    p90: Nullable(Type.Number()),
    average: Nullable(Type.Number()),
    count: Type.Integer(),
  },
  { description: 'seconds; null without samples' },
);

const Csat = Type.Object({
  average: Nullable(Type.Number()),
  distribution: Type.Record(Type.String(), Type.Integer()),
  responses: Type.Integer(),
  offered: Type.Integer(),
  responseRate: Nullable(Type.Number()),
  satisfactionRate: Nullable(Type.Number()),
});

const PeriodFigures = {
  ticketsCreated: Type.Integer(),
  ticketsResolved: Type.Integer(),
  ticketsReopened: Type.Integer(),
  firstResponseTime: Duration,
  nextResponseTime: Type.Object({ average: Nullable(Type.Number()), count: Type.Integer() }),
  resolutionTime: Duration,
  firstContactResolutionRate: Nullable(Type.Number()),
  reopenRate: Nullable(Type.Number()),
  slaCompliance: Type.Array(Type.Object({ target: Type.String(), met: Type.Integer(), breached: Type.Integer(), rate: Nullable(Type.Number()) })),
  csat: Csat,
  chat: Type.Object({
    chats: Type.Integer({ description: 'widget chats created in the period' }),
    waitTime: Duration,
    missed: Type.Integer(),
    botHandled: Type.Integer({ description: 'of the chats, those the answer bot took: it answered, offered articles or handed over' }),
    botDeflected: Type.Integer({ description: 'of those, the chats the visitor marked solved by the bot before any agent wrote' }),
    deflectionRate: Nullable(Type.Number({ description: 'botDeflected / botHandled; null when the bot handled none' })),
  }),
};

const Range = { from: Type.String(), to: Type.String() };

const BusinessFigures = Type.Optional(
  Type.Object(
    { businessHoursId: Type.Integer(), name: Type.String(), firstResponseTime: Duration, resolutionTime: Duration },
    { description: 'with businessHoursId: times counted in those business hours' },
  ),
);

export const OverviewSchema = Type.Object({
  ...Range,
  timezone: Type.String(),
  ...PeriodFigures,
  businessHours: BusinessFigures,
  previous: Type.Object({ ...Range, ...PeriodFigures, businessHours: BusinessFigures }),
});

export const HeatmapSchema = Type.Object({
  timezone: Type.String(),
  cells: Type.Array(Type.Array(Type.Integer()), { description: '7 rows (Monday first) of 24 hours' }),
  total: Type.Integer(),
  max: Type.Integer(),
});

export const BreakdownSchema = Type.Object({
  by: Type.String(),
  ...Range,
  timezone: Type.String(),
  rows: Type.Array(
    Type.Object({
      key: Nullable(Type.String()),
      name: Type.String(),
      ticketsCreated: Type.Integer(),
      ticketsResolved: Type.Integer(),
      firstResponseTime: Duration,
      resolutionTime: Duration,
      firstContactResolutionRate: Nullable(Type.Number()),
      reopenRate: Nullable(Type.Number()),
      csatAverage: Nullable(Type.Number()),
      csatResponses: Type.Integer(),
    }),
  ),
});

export const AgentsReportSchema = Type.Object({
  ...Range,
  timezone: Type.String(),
  rows: Type.Array(
    Type.Object({
      agentId: Type.Integer(),
      name: Type.String(),
      assigned: Type.Integer(),
      replied: Type.Integer(),
      resolved: Type.Integer(),
      firstResponseTime: Duration,
      csatAverage: Nullable(Type.Number()),
      csatResponses: Type.Integer(),
      onlineSeconds: Type.Integer({ description: 'time online within the range, from the presence history' }),
      awaySeconds: Type.Integer({ description: 'time away within the range, from the presence history' }),
    }),
  ),
});

export const VolumeSchema = Type.Object({
  timezone: Type.String(),
  days: Type.Array(Type.String(), { description: 'the zone’s calendar days, YYYY-MM-DD' }),
  created: Type.Array(Type.Integer()),
  resolved: Type.Array(Type.Integer()),
});
