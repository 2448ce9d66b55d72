import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  from: string;
  to: string[];
  raw: Buffer;
}

export interface SmtpSink {
  host: string;
  port: number;
  messages: CapturedMail[];
  /** Resolves when `count` messages in total have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<CapturedMail[]>;
  /** Rejects the next recipients with this SMTP reply (e.g. 550 / 451) until cleared with null. */
  rejectWith(reply: { code: number; message: string } | null): void;
  close(): Promise<void>;
}

/** A real SMTP server on a free loopback port that keeps every message it accepts, raw. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: CapturedMail[] = [];
  const waiters: Array<{ count: number; resolve: (m: CapturedMail[]) => void }> = [];
  let reject: { code: number; message: string } | null = null;
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(_auth, _session, cb) {
      cb(null, { user: 'test' });
    },
    onRcptTo(_address, _session, cb) {
      if (!reject) return cb();
      const err = Object.assign(new Error(reject.message), { responseCode: reject.code });
      cb(err);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        });
        for (const w of waiters.splice(0)) {
          if (messages.length >= w.count) w.resolve(messages.slice());
          else waiters.push(w);
        }
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: '127.0.0.1',
    port,
    messages,
    waitFor(count, timeoutMs = 10_000) {
      if (messages.length >= count) return Promise.resolve(messages.slice());
      return new Promise((resolve, rejectWait) => {
        const timer = setTimeout(() => rejectWait(new Error(`only ${messages.length} of ${count} mails arrived`)), timeoutMs);
        waiters.push({
          count,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
    rejectWith(reply) {
      reject = reply;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
