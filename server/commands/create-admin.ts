import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { createContext } from '../context.js';
import { createLogger } from '../logger.js';
import { createAgent } from '../modules/agents/service.js';
import { UsageError, type Command } from './types.js';

export const createAdminCommand: Command = {
  summary: 'create an admin agent',
  usage: 'kefu create-admin --email EMAIL --password PASSWORD [--name NAME] [--config FILE]',
  async run({ argv, configPath, stdout }) {
    const { values } = parseArgs({
      args: argv,
      options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } },
      strict: true,
    });
    if (!values.email || !values.password) throw new UsageError('--email and --password are required');
    const config = loadConfig({ path: configPath });
    const ctx = await createContext(config, createLogger('warn', { pretty: false }));
    try {
      const agent = await createAgent(ctx, {
        email: values.email,
        password: values.password,
        name: values.name ?? 'Admin',
        role: 'admin',
      });
      stdout.write(`admin ${agent.email} created (id ${agent.id})\n`);
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
