import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { agentOf, requireRole } from '../../http/auth.js';
import { withErrors } from '../../http/schemas.js';
import { loadReportSettings, ReportSettingsPatchSchema, ReportSettingsSchema } from './settings.js';
import { updateReportSettings } from './settings-service.js';

/** Report settings (the weekly digest): admins and supervisors, as for the reports themselves. */
export const reportSettingsRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireRole('admin', 'supervisor'));
  const tags = ['reports'];

  app.get('/reports/settings', { schema: { tags, response: withErrors({ 200: ReportSettingsSchema }, 401, 403) } }, async () => loadReportSettings(ctx.db));

  app.patch(
    '/reports/settings',
    {
      schema: {
        tags,
        description:
          'Changes the weekly digest: a mail to every active admin and supervisor, in their language, with the figures of the 7 days before the day the schedule fires against the 7 days before those. Each week is sent once.',
        body: ReportSettingsPatchSchema,
        response: withErrors({ 200: ReportSettingsSchema }, 400, 401, 403),
      },
    },
    async (request) => updateReportSettings(ctx, { kind: 'agent', id: agentOf(request).id }, request.body),
  );
};
