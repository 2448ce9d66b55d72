// A test Kefu whose email channels send to a real SMTP sink on loopback, with the outbox drained by hand.
import { registerEmailSender } from '../../server/channels/email/index.js';
import { startAgentNotifications } from '../../server/channels/email/notifications.js';
import { createTestApp, type TestApp } from './app.js';
import { startSmtpSink, type CapturedMail, type SmtpSink } from './smtp-sink.js';

export interface MailDesk {
  t: TestApp;
  sink: SmtpSink;
  /** Runs the outbox until `count` mails in all reached the sink; those mails. */
  deliver(count: number, timeoutMs?: number): Promise<CapturedMail[]>;
  close(): Promise<void>;
}

/**
 * `channels` are email channel entries without `smtp`: each gets the sink as its server.
 * `notifications` also starts the agent-notification listener, as the worker would.
 */
export async function startMailDesk(
  channels: Record<string, unknown>[],
  options: { notifications?: boolean; config?: Record<string, unknown> } = {},
): Promise<MailDesk> {
  const sink = await startSmtpSink();
  const smtp = { host: sink.host, port: sink.port, security: 'none' };
  const t = await createTestApp({ ...options.config, channels: { email: channels.map((c) => ({ ...c, smtp })) } });
  registerEmailSender(t.ctx);
  if (options.notifications) t.ctx.onClose(startAgentNotifications(t.ctx));
  return {
    t,
    sink,
    async deliver(count, timeoutMs = 2000) {
      // Bus events are handed over asynchronously: what they queue is committed a moment later.
      for (let i = 0; i < 100 && sink.messages.length < count; i++) {
        await t.ctx.outbox.runOnce();
        if (sink.messages.length < count) await new Promise((r) => setTimeout(r, 20));
      }
      return sink.waitFor(count, timeoutMs);
    },
    async close() {
      await t.close();
      await sink.close();
    },
  };
}
