import { loadConfig } from '../config/load.js';
import { createContext } from '../context.js';
import { createLogger } from '../logger.js';
import type { Command } from './types.js';

export const migrateCommand: Command = {
  summary: 'apply pending database migrations (a backup is taken first)',
  usage: 'kefu migrate [--config FILE]',
  async run({ configPath, stdout }) {
    const config = loadConfig({ path: configPath });
    if (config.database.driver === 'postgres') {
      const { openConfiguredPostgres } = await import('../db/open-postgres.js');
      const database = await openConfiguredPostgres(config, createLogger(config.log.level, { pretty: false }));
      await database.close();
      stdout.write(`database at ${database.url} is up to date\n`);
      return 0;
    }
    // createContext migrates; there is nothing else to do.
    const ctx = await createContext(config, createLogger(config.log.level, { pretty: false }));
    await ctx.close();
    stdout.write(`database at ${config.data_dir} is up to date\n`);
    return 0;
  },
};
