import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { createContext } from '../context.js';
import { createLogger } from '../logger.js';
import { seedDatabase } from '../seed/seed.js';
import { UsageError, type Command } from './types.js';

const positive = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${name} must be a positive whole number`);
  return Number(value);
};

export const seedCommand: Command = {
  summary: 'fill the instance with demo support data (agents, teams, labels, contacts, tickets, messages)',
  usage:
    'kefu seed --tickets N [--messages-per-ticket 5] [--agents N] [--contacts N] [--password PASSWORD] [--seed N] [--config FILE]',
  async run({ argv, configPath, stdout }) {
    const { values } = parseArgs({
      args: argv,
      options: {
        tickets: { type: 'string' },
        'messages-per-ticket': { type: 'string' },
        agents: { type: 'string' },
        contacts: { type: 'string' },
        password: { type: 'string' },
        seed: { type: 'string' },
      },
      strict: true,
    });
    const tickets = positive('tickets', values.tickets);
    if (tickets === undefined) throw new UsageError('--tickets is required');
    if (values.password !== undefined && values.password.length < 8) throw new UsageError('--password needs 8 characters or more');
    const config = loadConfig({ path: configPath });
    const ctx = await createContext(config, createLogger('warn', { pretty: false }));
    try {
      let shown = 0;
      const result = await seedDatabase(ctx.database, {
        tickets,
        messagesPerTicket: positive('messages-per-ticket', values['messages-per-ticket']),
        agents: positive('agents', values.agents),
        contacts: positive('contacts', values.contacts),
        password: values.password,
        seed: positive('seed', values.seed),
        onProgress: (done, total) => {
          if (done - shown >= 10_000 || done === total) {
            shown = done;
            stdout.write(`  ${done}/${total} tickets\n`);
          }
        },
      });
      stdout.write(
        `seeded ${result.tickets} tickets (#${result.firstTicketNumber}…), ${result.messages} messages, ` +
          `${result.contacts} contacts, ${result.teams} teams, ${result.labels} labels in ${(result.ms / 1000).toFixed(1)} s\n` +
          `demo agents agent1@kefu.example … agent${result.agents}@kefu.example sign in with password: ${result.password}\n` +
          `(demo data is for trying Kefu out: seed a separate data directory, not the one your team uses)\n`,
      );
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
