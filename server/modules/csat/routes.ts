import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { agentOf, requireAgent, requireRole } from '../../http/auth.js';
import { withErrors } from '../../http/schemas.js';
import { CsatSettingsPatchSchema, CsatSettingsSchema, loadCsatSettings } from './settings.js';
import { updateCsatSettings } from './settings-service.js';

const Settings = Type.Object({ csat: CsatSettingsSchema });

/** Satisfaction survey settings: every agent may read them, admins and supervisors change them. */
export const csatRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAgent);
  const tags = ['csat'];

  app.get('/csat/settings', { schema: { tags, response: withErrors({ 200: Settings }, 401) } }, async () => ({ csat: await loadCsatSettings(ctx.db) }));

  app.patch(
    '/csat/settings',
    {
      onRequest: requireRole('admin', 'supervisor'),
      schema: {
        tags,
        description: 'Changes any of the settings. A survey is emailed delayMinutes after a ticket of one of the channels is resolved, at most once per ticket.',
        body: Type.Object({ csat: CsatSettingsPatchSchema }, { additionalProperties: false }),
        response: withErrors({ 200: Settings }, 400, 401, 403),
      },
    },
    async (request) => ({ csat: await updateCsatSettings(ctx, { kind: 'agent', id: agentOf(request).id }, request.body.csat) }),
  );
};
