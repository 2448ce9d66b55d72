// Light imports only: `--help` and a mistyped command must not pay for loading the server.
import { ConfigError } from '../config/errors.js';
import { DatabaseStartupError } from '../db/startup-error.js';
import { AppError } from '../http/errors.js';
import { InstanceLocked } from '../modules/backup/instance-locked.js';
import { commands } from './index.js';
import { UsageError, type CommandContext } from './types.js';

export async function runCli(
  args: string[],
  io: Pick<CommandContext, 'stdout' | 'stderr'> = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const { configPath, rest } = takeConfigFlag(args);
  const [name, ...argv] = rest;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(helpText());
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    io.stderr.write(`kefu: unknown command "${name}"\n\n${helpText()}`);
    return 1;
  }
  try {
    return await (await command.load()).run({ argv, configPath, ...io });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof DatabaseStartupError) {
      io.stderr.write(`kefu: ${err.message}\n`);
      return 2;
    }
    if (err instanceof UsageError || err instanceof AppError || err instanceof InstanceLocked) {
      io.stderr.write(`kefu ${name}: ${err.message}\nusage: ${command.usage}\n`);
      return 1;
    }
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`kefu ${name}: ${err.message}\nusage: ${command.usage}\n`);
      return 1;
    }
    io.stderr.write(`kefu ${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

function takeConfigFlag(args: string[]): { configPath: string | undefined; rest: string[] } {
  const rest: string[] = [];
  let configPath: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--config' || arg === '-c') configPath = args[++i];
    else if (arg.startsWith('--config=')) configPath = arg.slice('--config='.length);
    else rest.push(arg);
  }
  return { configPath, rest };
}

function helpText(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`);
  return `usage: kefu <command> [--config FILE] [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

