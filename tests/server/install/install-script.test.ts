import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/app.js';

const dir = tempDir('kefu-install-sh-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Tools install.sh uses that are not under test: the real ones. */
const REAL_TOOLS = ['bash', 'dirname', 'readlink', 'cat', 'awk', 'mkdir', 'chmod', 'rm'];

let n = 0;
/**
 * A PATH holding the real basic tools plus stand-ins for the programs whose answers decide the
 * test (node, id, apt-cache, apt-get), so the script meets an old Node or root without this
 * machine's own. Stand-ins log their arguments to calls.log.
 */
function fakePath(stubs: Record<string, string>): { bin: string; calls: () => string } {
  const bin = path.join(dir, `bin-${++n}`);
  mkdirSync(bin);
  for (const tool of REAL_TOOLS) {
    const found = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    symlinkSync(found, path.join(bin, tool));
  }
  for (const [name, body] of Object.entries(stubs)) {
    writeFileSync(path.join(bin, name), `#!${path.join(bin, 'bash')}\necho "${name} $*" >> ${bin}/calls.log\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  }
  const log = path.join(bin, 'calls.log');
  return { bin, calls: () => (existsSync(log) ? readFileSync(log, 'utf8') : '') };
}

function install(bin: string, ...args: string[]): { status: number | null; stderr: string } {
  const res = spawnSync(path.join(bin, 'bash'), [path.resolve('install.sh'), ...args], {
    env: { PATH: bin, HOME: dir },
    encoding: 'utf8',
  });
  return { status: res.status, stderr: res.stderr };
}

const OLD_NODE = 'echo 18.19.1';
const NOT_ROOT = '[ "$1" = -u ] && echo 1000 || echo user';
const ROOT = '[ "$1" = -u ] && echo 0 || echo root';

describe('install.sh and Node.js', () => {
  it('refuses an old Node.js and says exactly how to get a supported one', () => {
    const { bin } = fakePath({ node: OLD_NODE, id: NOT_ROOT });
    const { status, stderr } = install(bin, '--no-start');
    expect(status).toBe(1);
    expect(stderr).toContain('Node.js 18.19.1 is too old');
    expect(stderr).toContain('Node.js 20.19 or newer');
    expect(stderr).toContain('https://deb.nodesource.com/setup_22.x');
    expect(stderr).toContain('https://nodejs.org/en/download');
  });

  it('as root, installs the system nodejs when it is new enough', () => {
    const { bin, calls } = fakePath({
      node: OLD_NODE,
      id: ROOT,
      'apt-cache': 'echo "nodejs:"; echo "  Candidate: 20.19.2+dfsg-1"',
      'apt-get': 'exit 0',
    });
    install(bin, '--no-start');
    expect(calls()).toMatch(/^apt-get install -y -qq nodejs npm$/m);
  });

  it('as root, does not install a system nodejs that is too old, and says why', () => {
    const { bin, calls } = fakePath({
      node: OLD_NODE,
      id: ROOT,
      'apt-cache': 'echo "nodejs:"; echo "  Candidate: 18.19.0+dfsg-6~deb12u2"',
      'apt-get': 'exit 0',
    });
    const { status, stderr } = install(bin, '--no-start');
    expect(status).toBe(1);
    expect(calls()).not.toMatch(/^apt-get install/m);
    expect(stderr).toContain("this system's nodejs package is 18.19.0+dfsg-6~deb12u2, too old");
  });
});

describe('install.sh --systemd', () => {
  // No node or npm on this PATH: were sourcing ever to run the script's main part, it stops at the Node check.
  function sourced(script: string): string {
    const { bin } = fakePath({});
    const res = spawnSync(path.join(bin, 'bash'), ['-c', `source ./install.sh; ${script}`], { encoding: 'utf8', env: { PATH: bin, HOME: dir } });
    expect(res.stderr).toBe('');
    return res.stdout;
  }

  it('runs the service as the kefu system user, not as root', () => {
    expect(sourced('echo "$SERVICE_USER"').trim()).toBe('kefu');
    const unit = sourced('systemd_unit kefu /opt/kefu /opt/kefu/config.yaml /usr/bin/node /opt/kefu/data');
    expect(unit).toMatch(/^User=kefu$/m);
    expect(unit).toMatch(/^Group=kefu$/m);
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node --max-semi-space-size=8 \/opt\/kefu\/dist\/server\/cli\.js serve$/m);
    // ProtectHome makes /home read-only; the data directory alone stays writable wherever it is.
    expect(unit).toMatch(/^ReadWritePaths=\/opt\/kefu\/data$/m);
  });

  it('runs the service with two malloc arenas, as the container does', () => {
    const unit = sourced('systemd_unit kefu /opt/kefu /opt/kefu/config.yaml /usr/bin/node /opt/kefu/data');
    expect(unit).toMatch(/^Environment=MALLOC_ARENA_MAX=2$/m);
  });
});

describe('how Kefu is started in production', () => {
  it('install.sh (default: build and start) starts `serve` with two malloc arenas and a 16 MB young generation', () => {
    // The steps before the start are not under test here: no-ops; node reports what it was started with.
    const { bin } = fakePath({ node: 'echo "MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX args=$*"' });
    const noop = ['check_node', 'install_and_build', 'ensure_config', 'print_welcome'].map((f) => `${f}() { :; };`).join(' ');
    const res = spawnSync(path.join(bin, 'bash'), ['-c', `source ./install.sh; ${noop} main`], { encoding: 'utf8', env: { PATH: bin, HOME: dir } });
    expect(res.stderr).toBe('');
    expect(res.stdout.trim()).toBe('MALLOC_ARENA_MAX=2 args=--max-semi-space-size=8 dist/server/cli.js serve');
  });

  it('the container image and `npm start` set two malloc arenas and the young generation too', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    const runtime = dockerfile.slice(dockerfile.indexOf(' AS runtime'));
    expect(runtime).toMatch(/^ENV [^]*?\bMALLOC_ARENA_MAX=2\b[^]*?^WORKDIR/m);
    expect(runtime).toMatch(/^CMD \["node", "--max-semi-space-size=8", "\/app\/dist\/server\/cli\.js", "serve"\]$/m);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('MALLOC_ARENA_MAX=2 node --max-semi-space-size=8 dist/server/cli.js serve');
  });
});

describe('install.sh --test and PostgreSQL', () => {
  it('as root, installs postgresql with the other test packages without starting its service', () => {
    const policy = path.join(dir, 'policy-rc.d');
    const { bin, calls } = fakePath({
      id: ROOT,
      dpkg: 'exit 1',
      // What the packages' scripts would ask: may a service start now?
      'apt-get': `[ "$1" = install ] && { ${policy}; echo "policy-rc.d answered $?" >> "$(dirname "$0")/calls.log"; }; exit 0`,
    });
    const res = spawnSync(path.join(bin, 'bash'), ['-c', `source ./install.sh; POLICY_RC_D=${policy}; install_test_packages`], {
      encoding: 'utf8',
      env: { PATH: bin, HOME: dir },
    });
    expect(res.status).toBe(0);
    expect(calls()).toMatch(/^apt-get install -y -qq chromium fonts-noto-cjk dovecot-imapd postgresql /m);
    expect(calls()).toMatch(/^policy-rc\.d answered 101$/m);
    // The stand-in policy is ours only for the install: afterwards services start as the admin set them up.
    expect(existsSync(policy)).toBe(false);
  });
});
