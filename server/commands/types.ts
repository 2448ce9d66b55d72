export interface CommandContext {
  /** Arguments after the command name. */
  argv: string[];
  /** --config, when given. */
  configPath: string | undefined;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface Command {
  summary: string;
  usage: string;
  /** Resolves to the exit code. */
  run(cmd: CommandContext): Promise<number>;
}

/** A failure the user can fix; printed without a stack trace. */
export class UsageError extends Error {}
