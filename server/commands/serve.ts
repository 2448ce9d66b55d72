import { loadConfig } from '../config/load.js';
import { serveUntilSignalled } from '../main.js';
import type { Command } from './types.js';

export const serveCommand: Command = {
  summary: 'start Kefu (HTTP, channels, jobs) until SIGTERM',
  usage: 'kefu serve [--config FILE]',
  async run({ configPath }) {
    await serveUntilSignalled(loadConfig({ path: configPath }));
    // Keeps running; the signal handler exits the process.
    return new Promise<number>(() => undefined);
  },
};
