import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load.js';
import { createContext } from '../../context.js';
import pino from 'pino';
import { UsageError, type Command } from '../../commands/types.js';
import { ingestRawEmail } from './ingest.js';

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/**
 * `kefu mail-pipe --channel NAME < message.eml`: for an MTA's pipe transport. Works whether or not
 * the server runs (SQLite serialises the writers); prints one JSON line and exits 0 once the
 * message is committed, so the MTA may drop its copy; any failure exits non-zero and the MTA keeps
 * the mail queued to try again.
 */
export function mailPipeCommand(stdin: NodeJS.ReadableStream = process.stdin): Command {
  return {
    summary: 'ingest one raw email from stdin into an email channel',
    usage: 'kefu mail-pipe --channel NAME [--config FILE] < message.eml',
    async run({ argv, configPath, stdout }) {
      const { values } = parseArgs({ args: argv, options: { channel: { type: 'string' } }, strict: true });
      if (!values.channel) throw new UsageError('--channel is required');
      const config = loadConfig({ path: configPath });
      const channel = config.channels.email.find((c) => c.name === values.channel);
      if (!channel) {
        const known = config.channels.email.map((c) => c.name).join(', ') || 'none configured';
        throw new UsageError(`no email channel named "${values.channel}" (known: ${known})`);
      }
      const raw = await readAll(stdin);
      if (raw.length === 0) throw new UsageError('no message on stdin');
      // stdout carries the one result line; logs go to stderr.
      const logger = pino({ level: config.log.level === 'info' ? 'warn' : config.log.level, base: { app: 'kefu' } }, pino.destination(2));
      const ctx = await createContext(config, logger);
      try {
        // One mail per process: starting a parse worker would cost more than it saves.
        const r = await ingestRawEmail(ctx, channel, raw, { inline: true });
        const line = { ticketId: r.ticketId, ticketNumber: r.ticketNumber, messageId: r.messageId, created: r.created, ...(r.ignored ? { ignored: r.ignored } : {}) };
        stdout.write(`${JSON.stringify(line)}\n`);
        return 0;
      } finally {
        await ctx.close();
      }
    },
  };
}
