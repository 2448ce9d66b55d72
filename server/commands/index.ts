import { backupCommand } from './backup.js';
import { mailPipeCommand } from '../channels/email/mail-pipe.js';
import { createAdminCommand } from './create-admin.js';
import { migrateCommand } from './migrate.js';
import { restoreCommand } from './restore.js';
import { seedCommand } from './seed.js';
import { serveCommand } from './serve.js';
import type { Command } from './types.js';

/** Every `kefu <command>`: one line each. */
export const commands: Record<string, Command> = {
  serve: serveCommand,
  migrate: migrateCommand,
  'create-admin': createAdminCommand,
  backup: backupCommand,
  restore: restoreCommand,
  seed: seedCommand,
  'mail-pipe': mailPipeCommand(),
};
