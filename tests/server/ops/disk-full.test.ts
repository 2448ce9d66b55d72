import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../../server/app.js';
import { configFromObject, ConfigError } from '../../../server/config/load.js';
import { createContext, type AppContext } from '../../../server/context.js';
import { createLogger } from '../../../server/logger.js';
import { createAgent } from '../../../server/modules/agents/service.js';
import { createTestApp, TEST_PASSWORD } from '../../helpers/app.js';
import { sqliteOf } from '../../helpers/sqlite-handle.js';

/** A small tmpfs as the data directory, so the disk really fills up (needs root). */
const mountPoint = mkdtempSync(path.join(os.tmpdir(), 'kefu-fulldisk-'));
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0700', 'tmpfs', mountPoint]).status === 0;

let ctx: AppContext;
let app: App;
let headers: Record<string, string>;
const filler = path.join(mountPoint, 'filler');

beforeAll(async () => {
  if (!mounted) return;
  const config = configFromObject({ data_dir: mountPoint, log: { level: 'silent' }, storage: { min_free_mb: 1 } });
  ctx = await createContext(config, createLogger('silent', { pretty: false }));
  app = await buildApp(ctx, { webRoot: null });
  await app.ready();
  await createAgent(ctx, { email: 'admin@example.test', name: 'Admin', role: 'admin', password: TEST_PASSWORD });
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'admin@example.test', password: TEST_PASSWORD } });
  const cookie = `kefu_session=${login.cookies.find((c) => c.name === 'kefu_session')!.value}`;
  headers = { cookie, 'x-csrf-token': login.json<{ csrfToken: string }>().csrfToken };
});

afterAll(async () => {
  if (mounted) {
    await app?.close();
    await ctx?.close();
    execFileSync('umount', [mountPoint]);
  }
  rmSync(mountPoint, { recursive: true, force: true });
});

/** Writes until the file system refuses, in ever smaller pieces, so not one block is left. */
function fillDisk(): void {
  const fd = openSync(filler, 'w');
  try {
    for (const size of [1024 * 1024, 64 * 1024, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size, 1);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

function upload(content: Buffer) {
  const boundary = '----kefudiskfull';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scan.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return app.inject({
    method: 'POST',
    url: '/api/v1/attachments',
    headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
}

describe.skipIf(!mounted)('a full disk', () => {
  it('fails /readyz critically and answers writes with 507 storage_full, then recovers', async () => {
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks.disk).toEqual({ status: 'ok', critical: false });

    // An empty WAL must grow for the next database write, so that write meets the full disk.
    sqliteOf(ctx.database).sqlite.pragma('wal_checkpoint(TRUNCATE)');
    fillDisk();

    const full = await app.inject({ method: 'GET', url: '/readyz' });
    expect(full.statusCode).toBe(503);
    expect(full.json()).toMatchObject({
      status: 'unavailable',
      checks: { disk: { status: 'fail', critical: true, message: expect.stringMatching(/ENOSPC/) } },
      error: { code: 'not_ready', message: expect.stringContaining('disk') },
    });

    const file = await upload(Buffer.alloc(64 * 1024, 9));
    expect(file.statusCode).toBe(507);
    expect(file.json().error.code).toBe('storage_full');

    const row = await app.inject({
      method: 'POST',
      url: '/api/v1/canned-replies',
      headers,
      payload: { shortcut: 'big', title: 'Big', body: 'x'.repeat(19_000) },
    });
    expect(row.statusCode).toBe(507);
    expect(row.json().error).toMatchObject({ code: 'storage_full', message: expect.stringMatching(/out of disk space/) });

    rmSync(filler);
    const again = await app.inject({ method: 'GET', url: '/readyz' });
    expect(again.statusCode).toBe(200);
    expect(again.json().checks.disk.status).toBe('ok');
    const saved = await app.inject({ method: 'POST', url: '/api/v1/canned-replies', headers, payload: { shortcut: 'big', title: 'Big', body: 'x'.repeat(19_000) } });
    expect(saved.statusCode).toBe(201);
  });
});

describe('the free-space floor', () => {
  it('reports the disk check failing, not critical, when free space is below storage.min_free_mb', async () => {
    const stats = statfsSync(os.tmpdir());
    const freeMb = Math.floor((stats.bavail * stats.bsize) / 1024 / 1024);
    const t = await createTestApp({ storage: { min_free_mb: freeMb + 10_000 } });
    try {
      const res = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        status: 'degraded',
        checks: { disk: { status: 'fail', critical: false, message: expect.stringMatching(/below storage\.min_free_mb/) } },
      });
    } finally {
      await t.close();
    }
  });

  it('stops start-up naming storage.min_free_mb when it is not a whole number of MB', () => {
    expect(() => configFromObject({ storage: { min_free_mb: -5 } })).toThrow(ConfigError);
    expect(() => configFromObject({ storage: { min_free_mb: 'lots' } })).toThrow(/storage\.min_free_mb/);
  });
});
