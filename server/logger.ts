import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Passwords, tokens and cookies never reach a log line. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.secret',
];

export function createLogger(
  level: string,
  opts: { pretty?: boolean; /** Where JSON lines go instead of stdout (tests read them). */ destination?: DestinationStream } = {},
): Logger {
  const pretty = opts.pretty ?? (process.stdout.isTTY === true && process.env.NODE_ENV !== 'test');
  const options = {
    level,
    base: { app: 'kefu' },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(pretty && !opts.destination ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss' } } } : {}),
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
