import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { PermanentDeliveryError } from '../../outbox/senders.js';
import { missingCalendarProblems } from './business-hours.js';
import { deliverAgentMessage } from './delivery.js';
import { widgetPageRoutes } from './page-routes.js';
import { widgetRoutes } from './routes.js';
import { WidgetRuntime, type WidgetDeps } from './runtime.js';
import { dropStaleUploads, followContactMerge, followTicketMerge, forgetContact } from './lifecycle.js';
import { relayQueuePosition } from './queue.js';
import { relayAgentTyping, relayAgentViewing } from './signals.js';
import { widgetUploadRoutes } from './upload-routes.js';
import { widgetWsRoutes } from './ws-routes.js';

export { WidgetRuntime, type WidgetDeps } from './runtime.js';
export { deliverAgentMessage } from './delivery.js';
export { widgetEmbedSnippet } from './snippet.js';

/** Makes the widget channel's runtime and hooks it to the bus; closed with the context. */
export function createWidgetChannel(ctx: AppContext, deps: WidgetDeps): WidgetRuntime {
  const widgets = ctx.config.channels.widget;
  const missing = missingCalendarProblems(widgets, (id) => ctx.businessHours.calendar(id));
  if (missing.length > 0) throw new Error(`Invalid configuration:\n${missing.map((p) => `  - ${p}`).join('\n')}`);
  const rt = new WidgetRuntime(ctx, deps);
  const log = ctx.logger.child({ subsystem: 'widget' });
  const usesCalendar = (id: number) => widgets.filter((w) => w.business_hours?.calendar === id).map((w) => ({ kind: 'widget channel', name: w.name }));
  // What reaches a visitor's socket listens with onAnyProcess: with several processes, the socket may be held here
  // while the event happened in another.
  const offs = [
    ctx.businessHours.registerUsers('widget channel', usesCalendar),
    ctx.bus.onAnyProcess('agent.typing', (e) => relayAgentTyping(rt, e)),
    ctx.bus.onAnyProcess('agent.viewing', (e) => relayAgentViewing(rt, e)),
    ctx.bus.on('contact.deleted', (e) => forgetContact(rt, e)),
    ctx.bus.on('contact.merged', (e) => followContactMerge(rt, e)),
    ctx.bus.on('ticket.merged', (e) => followTicketMerge(rt, e)),
    ctx.bus.onAnyProcess('assignment.queue', (e) => {
      relayQueuePosition(rt, e).catch((err: unknown) => log.error({ err, ticketId: e.ticketId }, 'queue position relay failed'));
    }),
    ctx.bus.onAnyProcess('widget.frames', (e, peer) => {
      // The process that delivered them has sent them to its own sockets already.
      if (peer) for (const frame of e.frames) rt.hub.send(e.visitorId, frame);
    }),
    ctx.bus.onAnyProcess('agent.presence', () => {
      // Going on- or offline changes what every open widget should offer (live chat or the email form).
      for (const ch of ctx.config.channels.widget) rt.hub.broadcast(ch.name, { type: 'status', online: rt.online(ch) });
    }),
  ];
  // Agent replies on widget tickets reach the visitor through the durable outbox, like every outbound message.
  offs.push(
    ctx.outbox.registerSender('widget', async (job) => {
      if (job.messageId === null) throw new PermanentDeliveryError('widget delivery without a message');
      const outcome = await deliverAgentMessage(rt, job.messageId);
      return { status: outcome === 'pushed' ? 'delivered' : 'sent' };
    }),
  );
  // Unsent uploads live minutes, not hours: swept every minute.
  const sweep = setInterval(() => {
    dropStaleUploads(rt).catch((err: unknown) => log.error({ err }, 'dropping stale uploads failed'));
  }, 60_000);
  sweep.unref();
  ctx.onClose(() => {
    clearInterval(sweep);
    for (const off of offs) off();
  });
  log.debug({ channels: ctx.config.channels.widget.map((c) => c.name) }, 'widget channel ready');
  return rt;
}


/** The visitor API; register under the /api/v1 prefix. */
export const widgetApi: FastifyPluginAsyncTypebox<{ rt: WidgetRuntime }> = async (app, { rt }) => {
  await app.register(widgetRoutes, { rt });
  await app.register(widgetUploadRoutes, { rt });
  await app.register(widgetWsRoutes, { rt });
};

/** The chat frame page; register at the root. */
export const widgetPages = widgetPageRoutes;
