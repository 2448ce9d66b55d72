import type { Command } from './types.js';

/** A command's help line, and how to load its code: only the command that runs is imported. */
export interface CommandEntry {
  summary: string;
  usage: string;
  load(): Promise<Command>;
}

/**
 * Every `kefu <command>`. The summaries are repeated here (a test keeps them equal to the
 * commands' own) so that `--help` and a mistyped command answer without loading the server.
 */
export const commands: Record<string, CommandEntry> = {
  serve: {
    summary: 'start Kefu (HTTP, channels, jobs) until SIGTERM',
    usage: 'kefu serve [--config FILE]',
    load: async () => (await import('./serve.js')).serveCommand,
  },
  migrate: {
    summary: 'apply pending database migrations (a backup is taken first)',
    usage: 'kefu migrate [--config FILE]',
    load: async () => (await import('./migrate.js')).migrateCommand,
  },
  'create-admin': {
    summary: 'create an admin agent',
    usage: 'kefu create-admin --email EMAIL --password PASSWORD [--name NAME] [--config FILE]',
    load: async () => (await import('./create-admin.js')).createAdminCommand,
  },
  backup: {
    summary: 'write a backup archive (database + attachments) into the data directory now',
    usage: 'kefu backup [--config FILE]',
    load: async () => (await import('./backup.js')).backupCommand,
  },
  restore: {
    summary: 'restore a backup archive into a stopped instance',
    usage: 'kefu restore <backup.tar.gz> [--config FILE]',
    load: async () => (await import('./restore.js')).restoreCommand,
  },
  'migrate-to-postgres': {
    summary: 'copy a stopped SQLite instance into an empty PostgreSQL database and verify the copy',
    usage: 'kefu migrate-to-postgres --url postgres://user:password@host:5432/db | --url-file FILE [--config FILE]',
    load: async () => (await import('./migrate-to-postgres.js')).migrateToPostgresCommand,
  },
  seed: {
    summary: 'fill the instance with demo support data (agents, teams, labels, contacts, tickets, messages)',
    usage:
      'kefu seed --tickets N [--messages-per-ticket 5] [--agents N] [--contacts N] [--password PASSWORD] [--seed N] [--config FILE]',
    load: async () => (await import('./seed.js')).seedCommand,
  },
  'mail-pipe': {
    summary: 'ingest one raw email from stdin into an email channel',
    usage: 'kefu mail-pipe --channel NAME [--config FILE] < message.eml',
    load: async () => (await import('../channels/email/mail-pipe.js')).mailPipeCommand(),
  },
};
