import { loadConfig } from '../config/load.js';
import { runRestoreCommand } from '../modules/backup/commands.js';
import { RestoreRefused } from '../modules/backup/restore.js';
import { UsageError, type Command } from './types.js';

export const restoreCommand: Command = {
  summary: 'restore a backup archive into a stopped instance',
  usage: 'kefu restore <backup.tar.gz> [--config FILE]',
  async run({ argv, configPath, stdout, stderr }) {
    const [file, ...extra] = argv;
    if (!file || extra.length > 0) throw new UsageError('give exactly one backup file');
    const config = loadConfig({ path: configPath });
    try {
      const result = await runRestoreCommand(config, file);
      stdout.write(`restored ${file} into ${config.data_dir}\n`);
      if (result.replacedDir) stdout.write(`the replaced data was moved to ${result.replacedDir}\n`);
      return 0;
    } catch (err) {
      if (!(err instanceof RestoreRefused)) throw err;
      stderr.write(`kefu restore: refused: ${err.message}\nnothing was changed.\n`);
      return 1;
    }
  },
};
