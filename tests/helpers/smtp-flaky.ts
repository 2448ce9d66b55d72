import net from 'node:net';

/** What the server does once a message's final "." has arrived. */
export type AfterData = 'accept' | 'drop' | 'hang' | 'defer';

export interface FlakySmtp {
  host: string;
  port: number;
  /** Every message whose body arrived in full (through the final "."), whatever was answered. */
  received: Buffer[];
  /** What to do after each next message's data; past the list, 'accept'. */
  script: AfterData[];
  /** Resolves when `count` message bodies in total have arrived. */
  waitForData(count: number, timeoutMs?: number): Promise<void>;
  /** Drops every connection held by 'hang'. */
  releaseHung(): void;
  close(): Promise<void>;
}

/**
 * A small real SMTP server that can take a whole message and then drop the connection, or never
 * answer, before its 250: the moment a sender cannot tell whether the mail went out.
 */
export async function startFlakySmtp(): Promise<FlakySmtp> {
  const received: Buffer[] = [];
  const script: AfterData[] = [];
  const hung = new Set<net.Socket>();
  const sockets = new Set<net.Socket>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    let inData = false;
    const say = (line: string): void => {
      if (!socket.destroyed) socket.write(`${line}\r\n`);
    };
    say('220 flaky.test ESMTP');
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          received.push(buffer.subarray(0, end + 2));
          buffer = buffer.subarray(end + 5);
          inData = false;
          for (const w of waiters.splice(0)) {
            if (received.length >= w.count) w.resolve();
            else waiters.push(w);
          }
          const action = script.shift() ?? 'accept';
          if (action === 'drop') return void socket.destroy();
          if (action === 'hang') return void hung.add(socket);
          if (action === 'defer') {
            say('451 4.3.0 try again later');
            continue;
          }
          say('250 2.0.0 queued');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.subarray(0, eol).toString('latin1');
        buffer = buffer.subarray(eol + 2);
        const verb = line.split(' ')[0]?.toUpperCase() ?? '';
        if (verb === 'EHLO') say('250 flaky.test');
        else if (verb === 'HELO' || verb === 'MAIL' || verb === 'RCPT' || verb === 'RSET' || verb === 'NOOP') say('250 OK');
        else if (verb === 'DATA') {
          inData = true;
          say('354 go ahead');
        } else if (verb === 'QUIT') {
          say('221 bye');
          socket.end();
        } else say('502 not implemented');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: '127.0.0.1',
    port,
    received,
    script,
    waitForData(count, timeoutMs = 10_000) {
      if (received.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${count} messages arrived`)), timeoutMs);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    releaseHung() {
      for (const s of hung) s.destroy();
      hung.clear();
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
