import type { Config } from './config/schema.js';
import { buildApp, type App } from './app.js';
import { createContext, type AppContext } from './context.js';
import { createLogger, type Logger } from './logger.js';
import { ensureFirstAdmin } from './modules/agents/first-run.js';
import { acquireInstanceLock, type InstanceLock } from './modules/backup/instance-lock.js';
import { startWorkers } from './workers.js';

/** SIGTERM must end us well inside a container runtime's usual 10 s grace period. */
const SHUTDOWN_DEADLINE_MS = 8_000;

export interface Server {
  ctx: AppContext;
  app: App;
  url: string;
  stop(): Promise<void>;
}

export async function startServer(config: Config, logger: Logger = createLogger(config.log.level)): Promise<Server> {
  // Held while serving so `kefu restore` refuses to swap the database under a live server. On
  // PostgreSQL several processes serve one database and share one data directory: no one owns it.
  const lock: InstanceLock =
    config.database.driver === 'sqlite' ? acquireInstanceLock(config.data_dir, 'serve') : { file: '', release: () => undefined };
  let ctx: AppContext;
  try {
    ctx = await createContext(config, logger);
  } catch (err) {
    lock.release();
    throw err;
  }
  let app: App | undefined;
  try {
    const firstRun = await ensureFirstAdmin(ctx);
    if (firstRun.created) logger.info({ email: firstRun.created.email }, 'first admin created from KEFU_ADMIN_EMAIL');
    if (firstRun.setupUrl) {
      logger.warn({ setupUrl: firstRun.setupUrl }, 'no admin yet: open the setup URL to create one');
    }
    app = await buildApp(ctx);
    await startWorkers(ctx);
    const address = await app.listen({ host: config.server.host, port: config.server.port });
    logger.info({ address, publicUrl: config.server.public_url, dataDir: config.data_dir }, 'kefu is serving');
    const started = app;
    let stopping: Promise<void> | undefined;
    return {
      ctx,
      app: started,
      url: address,
      stop: () => (stopping ??= stopServer(started, ctx, lock)),
    };
  } catch (err) {
    await app?.close().catch(() => undefined);
    await ctx.close();
    lock.release();
    throw err;
  }
}

async function stopServer(app: App, ctx: AppContext, lock: InstanceLock): Promise<void> {
  // Stop taking requests and close websockets first, then workers and the database.
  await app.close();
  await ctx.close();
  lock.release();
}

/** Runs until SIGTERM/SIGINT, then drains and exits; a second signal or the deadline forces the exit. */
export async function serveUntilSignalled(config: Config): Promise<void> {
  const logger = createLogger(config.log.level);
  const server = await startServer(config, logger);
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(1);
    signalled = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    timer.unref();
    server
      .stop()
      .then(() => {
        logger.info('stopped');
        logger.flush();
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
