import type { AppContext } from './context.js';
import { scheduleJobs } from './jobs/index.js';
import { startApiChannels } from './channels/api/index.js';
import { startEmailChannels } from './channels/email/index.js';
import { startWechatChannels } from './channels/wechat/index.js';
import { startTelegramChannels } from './channels/telegram/index.js';
import { startCheckpointer } from './db/checkpointer.js';
import { startWhatsAppProbes } from './channels/whatsapp/index.js';
import { startTwilioProbes } from './channels/twilio/index.js';
import { startServingPresenceLog } from './modules/reports/presence-log.js';

/**
 * Starts everything that runs in the background of a serving process: the outbox worker,
 * channel receivers (IMAP), cron jobs, the search indexer. Each registers its own stop with ctx.onClose.
 * Not started by tests that only need the HTTP app.
 */
export async function startWorkers(ctx: AppContext): Promise<void> {
  if (ctx.database.driver === 'sqlite') {
    // PostgreSQL checkpoints by itself; SQLite's WAL is copied back off the main thread.
    const checkpointer = startCheckpointer(ctx.database, { logger: ctx.logger });
    ctx.onClose(() => checkpointer.stop());
  }
  void ctx.search.start();
  // Presence stretches a crash left open end when their agent was last seen; then changes are recorded.
  ctx.onClose(await startServingPresenceLog(ctx));
  scheduleJobs(ctx);
  startEmailChannels(ctx);
  startWechatChannels(ctx);
  void startWhatsAppProbes(ctx);
  void startTwilioProbes(ctx);
  startApiChannels(ctx);
  startTelegramChannels(ctx);
  ctx.outbox.start();
}
