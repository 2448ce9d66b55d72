import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const DOVECOT = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((p) => existsSync(p)) ?? null;

/** Why the Dovecot tests cannot run here, or null when they can. */
export function dovecotUnavailable(): string | null {
  if (!DOVECOT) return 'dovecot is not installed (apt-get install dovecot-imapd, or ./install.sh --test as root)';
  if (process.getuid?.() !== 0) return 'dovecot tests start a private Dovecot, which needs root';
  return null;
}

export interface Dovecot {
  host: string;
  port: number;
  /** Any user name logs in with this password (static passdb). */
  password: string;
  dir: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops and removes everything. */
  destroy(): Promise<void>;
}

function config(dir: string, port: number): string {
  return `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
default_internal_user = dovecot
default_login_user = dovenull
default_internal_group = dovecot
passdb {
  driver = static
  args = password=secret
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
first_valid_uid = 1
`;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('data', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function childPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)]).toString().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** A private Dovecot on a free loopback port, with its own config, maildirs and logs in a temp dir. */
export async function startDovecot(): Promise<Dovecot> {
  const why = dovecotUnavailable();
  if (why || !DOVECOT) throw new Error(why ?? 'dovecot missing');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kefu-dovecot-'));
  // Dovecot's own users must reach the config and the mail below it.
  chmodSync(dir, 0o755);
  for (const sub of ['mail', 'run', 'state']) mkdirSync(path.join(dir, sub));
  const uid = Number(execFileSync('id', ['-u', 'dovecot']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'dovecot']).toString().trim());
  chownSync(path.join(dir, 'mail'), uid, gid);
  const port = await freePort();
  const conf = path.join(dir, 'dovecot.conf');
  writeFileSync(conf, config(dir, port));
  const pidFile = path.join(dir, 'run', 'master.pid');
  const binary = DOVECOT;

  const start = async (): Promise<void> => {
    rmSync(pidFile, { force: true });
    // The daemon keeps inherited pipes open; with them attached this call would never return.
    execFileSync(binary, ['-c', conf], { stdio: 'ignore' });
    await waitFor(() => canConnect(port), 'dovecot to accept connections');
  };
  const stop = async (): Promise<void> => {
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    // Session processes outlive their master for a while; a server that "goes away" takes them along.
    const children = childPids(pid);
    if (pidAlive(pid)) process.kill(pid, 'SIGTERM');
    for (const child of children) {
      try {
        process.kill(child, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await waitFor(async () => !pidAlive(pid), 'dovecot to stop');
    // The listener goes with the master, but wait until the port is really closed.
    await waitFor(async () => !(await canConnect(port)), 'the imap port to close');
  };
  await start();
  return {
    host: '127.0.0.1',
    port,
    password: 'secret',
    dir,
    start,
    stop,
    async restart() {
      await stop();
      await start();
    },
    async destroy() {
      await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
