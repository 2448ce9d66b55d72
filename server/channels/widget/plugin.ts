import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.js';
import { intake } from '../../intake/intake.js';
import { enqueue } from '../../outbox/queue.js';
import { createWidgetChannel, widgetApi, widgetPages } from './index.js';
import type { OutgoingEmail, WidgetRuntime } from './runtime.js';

const runtimes = new WeakMap<AppContext, WidgetRuntime>();

/** The running widget channel of a context (benchmarks and tests read its hub). */
export const widgetRuntimeOf = (ctx: AppContext): WidgetRuntime | undefined => runtimes.get(ctx);

/** Plain emails (offline answers, transcripts) go through the email channel's outbox sender. */
async function queueEmail(ctx: AppContext, email: OutgoingEmail): Promise<void> {
  await ctx.database.transaction(async (tx, onCommit) => {
    await enqueue(tx, {
      kind: 'email',
      channelName: email.channel,
      payload: { type: 'plain', to: email.to, subject: email.subject, text: email.text, ticketId: email.ticketId ?? null },
    });
    onCommit(() => ctx.outbox.nudge());
  });
}

/** The whole widget channel: visitor API under /api/v1/widget, the chat frame page under /widget. Register at the root. */
export const widgetChannelPlugin: FastifyPluginAsync<{ ctx: AppContext; webRoot: string | null }> = async (app, { ctx, webRoot }) => {
  const hasEmail = ctx.config.channels.email.length > 0;
  const rt = createWidgetChannel(ctx, {
    intake: (message, alongside) => intake(ctx, message, alongside),
    sendEmail: hasEmail ? (email) => queueEmail(ctx, email) : undefined,
  });
  runtimes.set(ctx, rt);
  await app.register(widgetApi, { rt, prefix: '/api/v1' });
  await app.register(widgetPages, { rt, webRoot });
};
