import path from 'node:path';
import type { Config } from './config/schema.js';
import { databaseFile, openDatabase, type Db } from './db/database.js';
import type { AnyDatabase } from './db/postgres.js';
import { migrateToLatest } from './db/migrate.js';
import { openConfiguredPostgres } from './db/open-postgres.js';
import { databaseHealthCheck } from './db/health-check.js';
import { DatabaseStartupError } from './db/startup-error.js';
import { Scheduler } from './jobs/scheduler.js';
import { soleProcess, type LeaderLocks } from './jobs/leader-locks.js';
import { PostgresLeaderLocks } from './jobs/postgres-leader-locks.js';
import type { Logger } from './logger.js';
import { diskCheck } from './ops/disk.js';
import { HealthChecks } from './ops/health.js';
import { Outbox } from './outbox/outbox.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { RulesRunner } from './modules/rules/runner.js';
import { EventBus } from './realtime/bus.js';
import { startPeers, type Peers } from './realtime/peers.js';
import type { KefuEvent } from './realtime/events.js';
import { BusinessHoursDirectory } from './modules/business-hours/directory.js';
import { snapshotCalendarSource, sqliteCalendarSource } from './modules/business-hours/calendar-source.js';
import { SlaRecomputer } from './modules/sla/recompute-job.js';
import { startSlaClocks } from './modules/sla/subscriptions.js';
import { csatIdle, startCsatSurveys } from './modules/csat/schedule.js';
import { PostgresPresence } from './realtime/postgres-presence.js';
import { LocalPresence, type PresenceRegistry } from './realtime/presence.js';
import { startAssignment } from './modules/assignment/assigner.js';
import { startAnswerBot } from './modules/bot/answer-bot.js';
import { WebhookFanout, type WebhookEvents } from './modules/webhooks/fanout.js';
import { PostgresWebhookFanout } from './modules/webhooks/postgres-fanout.js';
import { startWebhooks } from './modules/webhooks/index.js';
import { SearchIndex } from './search/search-index.js';
import type { FullTextIndex } from './search/full-text-index.js';
import { PostgresSearchIndex } from './search/postgres-search-index.js';
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
  /** Other processes on the same PostgreSQL database (events to their websockets, the shared journal); null on SQLite. */
  readonly peers: Peers | null;
  readonly secret: string;
  readonly presence: PresenceRegistry;
  readonly paths: { data: string; backups: string; attachments: string };
  /** Prometheus metrics (GET /metrics); realtime hubs set metrics.websocketsOpen. */
  readonly metrics: Metrics;
  /** Readiness checks behind GET /readyz; channels register theirs (e.g. an IMAP mailbox). */
  readonly health: HealthChecks;
  /** Cron jobs (server/jobs/); started only by a serving process. */
  readonly scheduler: Scheduler;
  /** Who runs what must run once (cron jobs, IMAP receivers) when several processes share the database. */
  readonly leaderLocks: LeaderLocks;
  /** Durable outbound deliveries: channels call outbox.registerSender(kind, fn); startWorkers starts it. */
  readonly outbox: Outbox;
  /** The full-text index; a search awaits search.caughtUp() first. startWorkers starts its thread. */
  readonly search: FullTextIndex;
  /** Business-hours calendars by id, and what uses each. */
  readonly businessHours: BusinessHoursDirectory;
  /** The rules engine, subscribed to the bus; jobs run its time rules, tests await automation.idle(). */
  readonly automation: RulesRunner;
  /** Outbound webhooks' fan-out from the bus; tests await webhooks.idle(). */
  readonly webhooks: WebhookEvents;
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

  const database = await openConfiguredDatabase(config, paths.backups, logger);
  const closers: Array<() => Promise<void> | void> = [() => database.close()];

  const busLogger = logger.child({ subsystem: 'bus' });
  const bus = new EventBus<KefuEvent>((err, event) => busLogger.error({ err, event: event.type }, 'event handler failed'));

  let peers: Peers | null = null;
  let presence: PresenceRegistry = new LocalPresence();
  if (database.driver === 'postgres') {
    try {
      peers = await startPeers(database, bus, logger);
    } catch (err) {
      await database.close();
      throw err;
    }
    const started = peers;
    closers.push(() => started.close());
    const shared = new PostgresPresence(database, peers.listener, bus, logger.child({ subsystem: 'presence' }), config.database.presence_timeout_s * 1000);
    closers.push(() => shared.close());
    await shared.start();
    presence = shared;
  }

  const health = new HealthChecks();
  health.register('database', databaseHealthCheck(database));
  health.register('disk', diskCheck(paths.data, config.storage.min_free_mb), { critical: false });
  const leaderLocks: LeaderLocks =
    database.driver === 'postgres' ? new PostgresLeaderLocks(database, logger.child({ subsystem: 'leader' })) : soleProcess;
  closers.push(() => leaderLocks.close());
  const scheduler = new Scheduler(logger, database.driver === 'postgres' ? leaderLocks : null);
  closers.push(() => scheduler.stop());
  const outbox = new Outbox({ database, bus, logger });
  closers.push(() => outbox.stop());
  const search: FullTextIndex =
    database.driver === 'sqlite'
      ? new SearchIndex(database, { logger: logger.child({ subsystem: 'search' }), cacheMb: config.database.cache_mb / 2 })
      : new PostgresSearchIndex(database, { logger: logger.child({ subsystem: 'search' }) });
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
    peers,
    secret: loadInstanceSecret(paths.data),
    presence,
    paths,
    metrics,
    health,
    scheduler,
    leaderLocks,
    outbox,
    search,
    businessHours: new BusinessHoursDirectory(
      database.driver === 'sqlite' ? sqliteCalendarSource(database.sqlite) : await snapshotCalendarSource(database.db),
    ),
    automation,
    webhooks:
      database.driver === 'sqlite'
        ? new WebhookFanout({ database, bus, outbox, logger })
        : new PostgresWebhookFanout({ database, bus, outbox, logger }),
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

/** Opens the configured database and brings its schema up to date (a backup first, on SQLite). */
async function openConfiguredDatabase(config: Config, backups: string, logger: Logger): Promise<AnyDatabase> {
  if (config.database.driver === 'postgres') return openConfiguredPostgres(config, logger);
  const database = openDatabase(databaseFile(config.data_dir), { cacheMb: config.database.cache_mb });
  try {
    const migrated = await migrateToLatest(database, backups);
    if (migrated.applied.length > 0) logger.info({ applied: migrated.applied, backup: migrated.backupFile }, 'database migrated');
    return database;
  } catch (err) {
    await database.close();
    throw err;
  }
}
