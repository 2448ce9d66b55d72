import { loadConfig } from '../config/load.js';
import { createLogger } from '../logger.js';
import { runBackupCommand } from '../modules/backup/commands.js';
import type { Command } from './types.js';

export const backupCommand: Command = {
  summary: 'write a backup archive (database + attachments) into the data directory now',
  usage: 'kefu backup [--config FILE]',
  async run({ configPath, stdout }) {
    const config = loadConfig({ path: configPath });
    const result = await runBackupCommand(config, createLogger('warn', { pretty: false }));
    const mb = (result.bytes / 1024 / 1024).toFixed(2);
    stdout.write(`backup written: ${result.file} (${mb} MB, ${result.manifest.attachments} attachments)\n`);
    if (result.pruned.length > 0) stdout.write(`removed ${result.pruned.length} old backup(s), keeping ${config.backup.keep}\n`);
    return 0;
  },
};
