import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { agentOf, requireAgent, requireRole } from '../../http/auth.js';
import { NotFound } from '../../http/errors.js';
import { withErrors } from '../../http/schemas.js';
import { recordAudit } from '../audit/service.js';
import { agentActor } from '../tickets/policy.js';
import { BotSettingsPatchSchema, BotSettingsSchema, loadBotSettings, saveBotSettings } from './settings.js';

const Params = Type.Object({ channel: Type.String({ maxLength: 64 }) });

/** The answer bot's settings, one set per widget channel; admins and supervisors change them. */
export const botRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAgent);
  const tags = ['answer bot'];
  const writers = requireRole('admin', 'supervisor');
  const widget = (name: string): string => {
    if (!ctx.config.channels.widget.some((w) => w.name === name)) throw new NotFound('widget channel');
    return name;
  };

  app.get('/bot/settings', { schema: { tags, response: withErrors({ 200: Type.Object({ items: Type.Array(BotSettingsSchema) }) }, 401) } }, async () => ({
    items: await Promise.all(ctx.config.channels.widget.map((w) => loadBotSettings(ctx.db, w.name))),
  }));

  app.get(
    '/bot/settings/:channel',
    { schema: { tags, params: Params, response: withErrors({ 200: Type.Object({ bot: BotSettingsSchema }) }, 401, 404) } },
    async (request) => ({ bot: await loadBotSettings(ctx.db, widget(request.params.channel)) }),
  );

  app.patch(
    '/bot/settings/:channel',
    {
      onRequest: writers,
      schema: { tags, params: Params, body: BotSettingsPatchSchema, response: withErrors({ 200: Type.Object({ bot: BotSettingsSchema }) }, 400, 401, 403, 404) },
    },
    async (request) => {
      const channel = widget(request.params.channel);
      const after = await ctx.database.transaction(async (tx) => {
        const saved = await saveBotSettings(tx, channel, request.body);
        await recordAudit(tx, { actor: agentActor(agentOf(request)), action: 'bot.settings_updated', entityKind: 'widget_channel', entityId: null, before: saved.before, after: saved.after });
        return saved.after;
      });
      return { bot: after };
    },
  );
};
