import path from 'node:path';
import type { Config } from './config/schema.js';
import { databaseFile, openDatabase, type Db } from './db/database.js';
import type { AnyDatabase } from './db/postgres.js';
import { migrateToLatest } from './db/migrate.js';
import { openConfiguredPostgres } from './db/open-postgres.js';
import { databaseHealthCheck } from './db/health-check.js';
import { DatabaseStartupError } from './db/startup-error.js';
import { Scheduler } from './jobs/scheduler.js';
import type { Logger } from './logger.js';
import { diskCheck } from './ops/disk.js';
import { HealthChecks } from './ops/health.js';
import { Outbox } from './outbox/outbox.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { RulesRunner } from './modules/rules/runner.js';
import { EventBus } from './realtime/bus.js';
import type { KefuEvent } from './realtime/events.js';
import { BusinessHoursDirectory } from './modules/business-hours/directory.js';
import { sqliteCalendarSource } from './modules/business-hours/calendar-source.js';
import { SlaRecomputer } from './modules/sla/recompute-job.js';
import { startSlaClocks } from './modules/sla/subscriptions.js';
import { csatIdle, startCsatSurveys } from './modules/csat/schedule.js';
import { PresenceRegistry } from './realtime/presence.js';
import { startAssignment } from './modules/assignment/assigner.js';
import { startAnswerBot } from './modules/bot/answer-bot.js';
import { WebhookFanout } from './modules/webhooks/fanout.js';
import { startWebhooks } from './modules/webhooks/index.js';
import { SearchIndex } from './search/search-index.js';
import { ensurePrivateDir } from './private-files.js';
import { loadInstanceSecret } from './secret.js';

/**
 * The composition root: everything long-lived is made here and closed in reverse order.
 * Services are plain functions that take this context; nothing reaches for globals.
 */
export interface AppContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: AnyDatabase;
  readonly db: Db;
  readonly bus: EventBus<KefuEvent>;
  readonly secret: string;
  readonly presence: PresenceRegistry;
  readonly paths: { data: string; backups: string; attachments: string };
  /** Prometheus metrics (GET /metrics); realtime hubs set metrics.websocketsOpen. */
  readonly metrics: Metrics;
  /** Readiness checks behind GET /readyz; channels register theirs (e.g. an IMAP mailbox). */
  readonly health: HealthChecks;
  /** Cron jobs (server/jobs/); started only by a serving process. */
  readonly scheduler: Scheduler;
  /** Durable outbound deliveries: channels call outbox.registerSender(kind, fn); startWorkers starts it. */
  readonly outbox: Outbox;
  /** The full-text index; a search awaits search.caughtUp() first. startWorkers starts its thread. */
  readonly search: SearchIndex;
  /** Business-hours calendars by id, and what uses each. */
  readonly businessHours: BusinessHoursDirectory;
  /** The rules engine, subscribed to the bus; jobs run its time rules, tests await automation.idle(). */
  readonly automation: RulesRunner;
  /** Outbound webhooks' fan-out from the bus; tests await webhooks.idle(). */
  readonly webhooks: WebhookFanout;
  /** Re-computes open tickets' SLA clocks in the background after a policy change; resumable. */
  readonly slaRecompute: SlaRecomputer;
  /** Registers something to close on shutdown; closed last-registered first. */
  onClose(fn: () => Promise<void> | void): void;
  close(): Promise<void>;
}

export async function createContext(config: Config, logger: Logger): Promise<AppContext> {
  const paths = {
    data: config.data_dir,
    backups: path.join(config.data_dir, 'backups'),
    attachments: path.join(config.data_dir, 'attachments'),
  };
  for (const dir of Object.values(paths)) ensurePrivateDir(dir);

  if (config.database.driver === 'postgres') {
    // The schema can be made and checked on PostgreSQL; the modules still reach for SQLite in
    // places (issue #19), so serving stops here, after the checks, rather than failing later.
    const postgres = await openConfiguredPostgres(config, logger);
    await postgres.close();
    throw new DatabaseStartupError(
      `database.driver: the database at ${postgres.url} is reachable and its schema up to date, but serving from PostgreSQL is not finished in this version; use driver: sqlite`,
    );
  }

  const database = openDatabase(databaseFile(paths.data), { cacheMb: config.database.cache_mb });
  const closers: Array<() => Promise<void> | void> = [() => database.close()];
  try {
    const migrated = await migrateToLatest(database, paths.backups);
    if (migrated.applied.length > 0) {
      logger.info({ applied: migrated.applied, backup: migrated.backupFile }, 'database migrated');
    }
  } catch (err) {
    await database.close();
    throw err;
  }

  const busLogger = logger.child({ subsystem: 'bus' });
  const bus = new EventBus<KefuEvent>((err, event) => busLogger.error({ err, event: event.type }, 'event handler failed'));

  const health = new HealthChecks();
  health.register('database', databaseHealthCheck(database));
  health.register('disk', diskCheck(paths.data, config.storage.min_free_mb), { critical: false });
  const scheduler = new Scheduler(logger);
  closers.push(() => scheduler.stop());
  const outbox = new Outbox({ database, bus, logger });
  closers.push(() => outbox.stop());
  const search = new SearchIndex(database, { logger: logger.child({ subsystem: 'search' }) });
  closers.push(() => search.close());

  const metrics = createMetrics({ searchBacklog: () => search.backlog() });

  const automation = new RulesRunner();
  let closed = false;
  const ctx: AppContext = {
    config,
    logger,
    database,
    db: database.db,
    bus,
    secret: loadInstanceSecret(paths.data),
    presence: new PresenceRegistry(),
    paths,
    metrics,
    health,
    scheduler,
    outbox,
    search,
    businessHours: new BusinessHoursDirectory(sqliteCalendarSource(database.sqlite)),
    automation,
    webhooks: new WebhookFanout({ database, bus, outbox, logger }),
    slaRecompute: new SlaRecomputer(),
    onClose: (fn) => closers.push(fn),
    async close() {
      if (closed) return;
      closed = true;
      for (const fn of closers.reverse()) {
        try {
          await fn();
        } catch (err) {
          logger.error({ err }, 'error while closing');
        }
      }
    },
  };
  closers.push(() => automation.idle());
  closers.push(automation.start(ctx));
  startAssignment(ctx);
  ctx.onClose(startAnswerBot(ctx));
  ctx.onClose(startSlaClocks(ctx));
  ctx.onClose(() => csatIdle(ctx));
  ctx.onClose(startCsatSurveys(ctx));
  ctx.onClose(() => ctx.webhooks.idle());
  ctx.onClose(startWebhooks(ctx, ctx.webhooks));
  ctx.onClose(ctx.slaRecompute.start(ctx));
  return ctx;
}
