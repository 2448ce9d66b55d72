import { Readable } from 'node:stream';
import type { EmailChannelConfig } from './config-schema.js';

type Smtp = NonNullable<EmailChannelConfig['smtp']>;

export interface Envelope {
  from: string;
  to: string[];
}

/** A failed hand-off, and whether the body had begun to go out when it failed. */
export class SmtpHandoffError extends Error {
  readonly responseCode: number | undefined;
  readonly response: string | undefined;

  constructor(
    err: unknown,
    /** true once `beforeBody` committed: from then on the server may hold the message. */
    readonly bodyStarted: boolean,
  ) {
    const e = err as { message?: string; response?: string; responseCode?: number };
    super(e.response ?? e.message ?? String(err), { cause: err });
    this.name = 'SmtpHandoffError';
    this.responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
    this.response = e.response;
  }

  /** After the body began, only a reply with a code tells what the server did with it. */
  get answered(): boolean {
    return this.responseCode !== undefined;
  }
}

/**
 * Hands one message to the SMTP server over its own connection. `beforeBody` runs once the server
 * has answered DATA and before the first byte of the body is written: a caller records there that
 * from now on the server may have the message, so a crash before the 250 is known to be uncertain.
 * Resolves with the server's final reply.
 */
export async function handOff(smtp: Smtp, envelope: Envelope, raw: Buffer, beforeBody: () => Promise<void>): Promise<string> {
  // Loaded with the first mail sent: a desk without email never holds nodemailer.
  const { default: SMTPConnection } = await import('nodemailer/lib/smtp-connection');
  return new Promise((resolve, reject) => {
    const connection = new SMTPConnection({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.security === 'tls',
      requireTLS: smtp.security === 'starttls',
      ignoreTLS: smtp.security === 'none',
      connectionTimeout: 30_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
    });
    let bodyStarted = false;
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      connection.close();
      reject(new SmtpHandoffError(err, bodyStarted));
    };
    let gated = false;
    // Read by the connection only after the server's 354: the gate holds the body until the mark is stored.
    const body = new Readable({
      read() {
        if (gated) return;
        gated = true;
        beforeBody().then(
          () => {
            bodyStarted = true;
            this.push(raw);
            this.push(null);
          },
          (err: unknown) => this.destroy(err instanceof Error ? err : new Error(String(err))),
        );
      },
    });
    connection.on('error', fail);
    const send = (): void =>
      connection.send(envelope, body, (err, info) => {
        if (err || !info) return fail(err ?? new Error('no reply to the message'));
        settled = true;
        resolve(info.response);
        connection.quit();
      });
    connection.connect((err) => {
      if (err) return fail(err);
      if (!smtp.user) return send();
      connection.login({ user: smtp.user, pass: smtp.password ?? '' }, (loginErr) => (loginErr ? fail(loginErr) : send()));
    });
  });
}
