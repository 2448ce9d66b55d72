import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { requireRole } from '../../http/auth.js';
import { withErrors } from '../../http/schemas.js';
import { agentsCsv, breakdownCsv } from '../exports/report-csv.js';
import { sendCsv } from '../exports/send.js';
import { agentsReport } from './agents.js';
import { breakdown } from './breakdown.js';
import { heatmap } from './heatmap.js';
import { overview } from './overview.js';
import { parseBreakdown, parseReportQuery } from './params.js';
import { volume } from './volume.js';
import { AgentsReportSchema, BreakdownQuerySchema, BreakdownSchema, HeatmapSchema, OverviewSchema, ReportQuerySchema, VolumeSchema } from './schemas.js';

const Csv = Type.String({ description: 'text/csv; charset=utf-8, with a UTF-8 byte order mark' });

/** Reports: supervisors and admins only; an agent sees no one's figures, not even their own here. */
export const reportsRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireRole('admin', 'supervisor'));
  const errors = [400, 401, 403] as const;

  app.get(
    '/reports/overview',
    { schema: { tags: ['reports'], querystring: ReportQuerySchema, response: withErrors({ 200: OverviewSchema }, ...errors) } },
    async (request) => overview(ctx.database, parseReportQuery(request.query)),
  );
  app.get(
    '/reports/heatmap',
    { schema: { tags: ['reports'], querystring: ReportQuerySchema, response: withErrors({ 200: HeatmapSchema }, ...errors) } },
    async (request) => heatmap(ctx.database, parseReportQuery(request.query)),
  );
  app.get(
    '/reports/volume',
    { schema: { tags: ['reports'], querystring: ReportQuerySchema, response: withErrors({ 200: VolumeSchema }, ...errors) } },
    async (request) => volume(ctx.database, parseReportQuery(request.query)),
  );
  app.get(
    '/reports/breakdown',
    { schema: { tags: ['reports'], querystring: BreakdownQuerySchema, response: withErrors({ 200: BreakdownSchema }, ...errors) } },
    async (request) => breakdown(ctx.database, parseReportQuery(request.query), parseBreakdown(request.query.by)),
  );
  app.get(
    '/reports/breakdown.csv',
    { schema: { tags: ['reports'], querystring: BreakdownQuerySchema, response: withErrors({ 200: Csv }, ...errors) } },
    async (request, reply) => sendCsv(reply, `breakdown-${request.query.by}`, breakdownCsv(await breakdown(ctx.database, parseReportQuery(request.query), parseBreakdown(request.query.by)))),
  );
  app.get(
    '/reports/agents.csv',
    { schema: { tags: ['reports'], querystring: ReportQuerySchema, response: withErrors({ 200: Csv }, ...errors) } },
    async (request, reply) => sendCsv(reply, 'agents', agentsCsv((await agentsReport(ctx.database, parseReportQuery(request.query))).rows)),
  );
  app.get(
    '/reports/agents',
    { schema: { tags: ['reports'], querystring: ReportQuerySchema, response: withErrors({ 200: AgentsReportSchema }, ...errors) } },
    async (request) => agentsReport(ctx.database, parseReportQuery(request.query)),
  );
};
