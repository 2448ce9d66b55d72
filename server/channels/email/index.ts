import type { AppContext } from '../../context.js';
import type { EmailChannelConfig } from './config-schema.js';
import { ImapReceiver, type MailboxStatus, type ReceiverOptions } from './imap-receiver.js';
import { startAgentNotifications } from './notifications.js';
import { createEmailSender } from './smtp-sender.js';

export interface EmailRuntime {
  receivers: Map<string, ImapReceiver>;
  stop(): Promise<void>;
}

const runtimes = new WeakMap<AppContext, EmailRuntime>();

/** The live IMAP status of a mailbox, when this process runs its receiver. */
export function liveMailboxStatus(ctx: AppContext, channel: string): MailboxStatus | null {
  return runtimes.get(ctx)?.receivers.get(channel)?.status ?? null;
}

export function emailChannel(ctx: AppContext, name: string): EmailChannelConfig | undefined {
  return ctx.config.channels.email.find((c) => c.name === name);
}

/**
 * Registers the outbox sender for kind 'email' (so replies, acknowledgements and widget
 * transcripts can leave) without starting any receiver. Safe to call once per context.
 */
export function registerEmailSender(ctx: AppContext): () => void {
  const sender = createEmailSender(ctx);
  const unregister = ctx.outbox.registerSender('email', sender.send);
  ctx.onClose(() => {
    unregister();
    sender.close();
  });
  return unregister;
}

/**
 * Starts the email channel of a serving process: the SMTP sender, agent notifications and one IMAP receiver per
 * mailbox with an imap section, each reported in /readyz as `email:<name>` (not critical:
 * one unreachable mailbox leaves the desk working).
 */
export function startEmailChannels(ctx: AppContext, options: ReceiverOptions = {}): EmailRuntime {
  const existing = runtimes.get(ctx);
  if (existing) return existing;
  if (ctx.config.channels.email.length > 0) registerEmailSender(ctx);
  ctx.onClose(startAgentNotifications(ctx));
  const receivers = new Map<string, ImapReceiver>();
  for (const channel of ctx.config.channels.email) {
    if (!channel.imap) continue;
    const receiver = new ImapReceiver(ctx, channel, options);
    receivers.set(channel.name, receiver);
    ctx.health.register(
      `email:${channel.name}`,
      () => {
        const s = receiver.status;
        return s.connected ? { ok: true } : { ok: false, message: s.lastError ?? 'connecting' };
      },
      { critical: false },
    );
    receiver.start();
  }
  const runtime: EmailRuntime = {
    receivers,
    async stop() {
      await Promise.all([...receivers.values()].map((r) => r.stop()));
      runtimes.delete(ctx);
    },
  };
  runtimes.set(ctx, runtime);
  ctx.onClose(() => runtime.stop());
  return runtime;
}
