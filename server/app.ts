import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyWebsocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { TrustProxy } from './config/schema.js';
import type { AppContext } from './context.js';
import { authPlugin } from './http/auth.js';
import { installErrorHandler } from './http/error-handler.js';
import { installJsonBodyParser } from './http/json-body.js';
import { healthRoutes } from './http/health.js';
import { metricsPlugin } from './http/metrics.js';
import { lazySerializers } from './http/lazy-serializers.js';
import { lazyValidators } from './http/lazy-validators.js';
import { installRequestLog } from './http/request-log.js';
import { openApiPlugin } from './http/openapi.js';
import { registerCompression } from './http/compression.js';
import { securityHeadersPlugin } from './http/security-headers.js';
import { findWebRoot, serveWebApp } from './http/static.js';
import { agentsRoutes } from './modules/agents/routes.js';
import { inviteRoutes } from './modules/agents/invite-routes.js';
import { passwordResetRoutes } from './modules/agents/password-reset-routes.js';
import { attachmentsRoutes } from './modules/attachments/routes.js';
import { auditRoutes } from './modules/audit/routes.js';
import { cannedRepliesRoutes } from './modules/canned-replies/routes.js';
import { contactsRoutes } from './modules/contacts/routes.js';
import { exportsRoutes } from './modules/exports/routes.js';
import { labelsRoutes } from './modules/labels/routes.js';
import { businessHoursRoutes } from './modules/business-hours/routes.js';
import { reportsRoutes } from './modules/reports/routes.js';
import { rulesRoutes } from './modules/rules/routes.js';
import { notificationRoutes } from './modules/sla/notification-routes.js';
import { slaRoutes } from './modules/sla/routes.js';
import { teamsRoutes } from './modules/teams/routes.js';
import { assignmentRoutes } from './modules/assignment/routes.js';
import { ticketsRoutes } from './modules/tickets/routes.js';
import { webhooksRoutes } from './modules/webhooks/routes.js';
import { kbRoutes } from './modules/kb/routes.js';
import { botRoutes } from './modules/bot/routes.js';
import { kbVoteRoutes } from './modules/kb/vote-routes.js';
import { aiRoutes } from './modules/ai/routes.js';
import { csatRoutes } from './modules/csat/routes.js';
import { reportSettingsRoutes } from './modules/digest/routes.js';
import { csatPageRoutes } from './modules/csat/page-routes.js';
import { matchingTicketIds } from './search/service.js';
import { agentRealtimeRoutes } from './realtime/agent-routes.js';
import { searchRoutes } from './search/routes.js';
import { widgetChannelPlugin } from './channels/widget/plugin.js';
import { emailRoutes } from './channels/email/routes.js';
import { wechatRoutes } from './channels/wechat/routes.js';
import { wechatApiRoutes } from './channels/wechat/api-routes.js';
import { helpCenterRoutes } from './help/routes.js';
import { portalRoutes } from './help/portal-routes.js';
import { registerWhatsApp } from './channels/whatsapp/index.js';
import { whatsappApiRoutes, whatsappWebhookRoutes } from './channels/whatsapp/routes.js';
import { registerTwilio } from './channels/twilio/index.js';
import { twilioWebhookRoutes } from './channels/twilio/routes.js';
import { apiChannelRoutes } from './channels/api/routes.js';
import { telegramWebhookRoutes } from './channels/telegram/routes.js';

export interface BuildOptions {
  /** Built web assets to serve; defaults to dist/web when it exists. null serves none. */
  webRoot?: string | null;
}

export type App = FastifyInstance;

/**
 * Fastify 5.12 reads a numeric trustProxy as "trust nothing" (it cannot check the peer), which
 * would silently ignore X-Forwarded-For; a hop count is kept as proxy-addr's `hop < n` instead.
 */
function trustProxyOption(tp: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof tp !== 'number') return tp;
  if (tp === 0) return false;
  return (_address, hop) => hop < tp;
}

/** Builds the HTTP app without listening: main.ts listens, tests use app.inject. */
export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<App> {
  const app = Fastify({
    loggerInstance: ctx.logger.child({ subsystem: 'http' }) as FastifyBaseLogger,
    // request-log.ts writes one line per request instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: Math.round(ctx.config.server.body_limit_mb * 1024 * 1024),
    trustProxy: trustProxyOption(ctx.config.server.trust_proxy),
    schemaController: { compilersFactory: { buildValidator: lazyValidators(), buildSerializer: lazySerializers } },
    ajv: {
      // Unknown fields are errors, not silently dropped: a typo in a PATCH must not look like success.
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  installErrorHandler(app, {
    ...(ctx.database.driver === 'postgres' ? { databasePort: ctx.database.port } : {}),
    databaseLost: (err) => {
      if (ctx.database.driver === 'postgres') ctx.database.connection.failed(err);
    },
  });
  installJsonBodyParser(app);
  installRequestLog(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  await app.register(securityHeadersPlugin, { publicUrl: ctx.config.server.public_url });

  // Before any route: swagger collects routes as they are added, metrics hooks every request.
  await registerCompression(app);
  await app.register(openApiPlugin, { publicUrl: ctx.config.server.public_url });
  await app.register(metricsPlugin, { metrics: ctx.metrics });
  await app.register(healthRoutes, { health: ctx.health });
  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, { options: { maxPayload: 1024 * 1024 } });
  await app.register(authPlugin, { ctx });

  await app.register(
    async (api) => {
      await api.register(agentsRoutes, { ctx });
      await api.register(inviteRoutes, { ctx });
      await api.register(passwordResetRoutes, { ctx });
      await api.register(ticketsRoutes, { ctx, textMatch: (db, q) => matchingTicketIds(ctx, db, q) });
      await api.register(contactsRoutes, { ctx });
      await api.register(attachmentsRoutes, { ctx });
      await api.register(teamsRoutes, { ctx });
      await api.register(assignmentRoutes, { ctx });
      await api.register(labelsRoutes, { ctx });
      await api.register(businessHoursRoutes, { ctx });
      await api.register(rulesRoutes, { ctx });
      await api.register(slaRoutes, { ctx });
      await api.register(webhooksRoutes, { ctx });
      await api.register(notificationRoutes, { ctx });
      await api.register(csatRoutes, { ctx });
      await api.register(reportSettingsRoutes, { ctx });
      await api.register(cannedRepliesRoutes, { ctx });
      await api.register(auditRoutes, { ctx });
      await api.register(agentRealtimeRoutes, { ctx });
      await api.register(searchRoutes, { ctx });
      await api.register(emailRoutes, { ctx });
      await api.register(wechatApiRoutes, { ctx });
      await api.register(kbRoutes, { ctx });
      await api.register(kbVoteRoutes, { ctx });
      await api.register(botRoutes, { ctx });
      await api.register(reportsRoutes, { ctx });
      await api.register(exportsRoutes, { ctx, textMatch: (db, q) => matchingTicketIds(ctx, db, q) });
      await api.register(whatsappApiRoutes, { ctx });
      await api.register(apiChannelRoutes, { ctx });
      if (ctx.config.ai) await api.register(aiRoutes, { ctx, ai: ctx.config.ai });
      // Module routes: one line each, all under /api/v1.
    },
    { prefix: '/api/v1' },
  );

  await app.register(helpCenterRoutes, { ctx });
  // The customer portal at /help/tickets: its own session, sign-in by one-time link.
  await app.register(portalRoutes, { ctx });

  const webRoot = options.webRoot === undefined ? findWebRoot() : options.webRoot;
  // The widget channel: visitor API under /api/v1/widget/:channel, chat frame page at /widget/:channel/frame.
  await app.register(widgetChannelPlugin, { ctx, webRoot });
  // WeChat and WeCom push here: the server URL pasted into their consoles.
  await app.register(wechatRoutes, { ctx });
  // Provider webhooks at /webhooks/<kind>/<name>; their senders and reply rules come with them.
  registerWhatsApp(ctx);
  registerTwilio(ctx);
  await app.register(whatsappWebhookRoutes, { ctx });
  await app.register(twilioWebhookRoutes, { ctx });
  // Satisfaction survey pages customers open from the survey mail: /csat/<token>.
  await app.register(csatPageRoutes, { ctx });
  // Provider webhooks at /webhooks/<kind>/<name>, proven by each provider's own secret.
  await app.register(telegramWebhookRoutes, { ctx });
  await serveWebApp(app, webRoot);

  return app;
}
