import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromObject } from '../../../server/config/load.js';
import { createLogger } from '../../../server/logger.js';
import { startServer, type Server } from '../../../server/main.js';
import { createAgent } from '../../../server/modules/agents/service.js';
import { tempDir, TEST_PASSWORD } from '../../helpers/app.js';
import { postgresUnavailable, usePostgres } from '../../helpers/postgres.js';

describe.skipIf(postgresUnavailable() !== null)('several Kefu processes on one PostgreSQL database', () => {
  const postgres = usePostgres();
  const dataDir = tempDir('kefu-shared-data-');
  const servers: Server[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('start on the same data directory and serve the same desk', async () => {
    const config = configFromObject({
      data_dir: dataDir,
      database: { driver: 'postgres', url: await postgres.freshDatabase(), pool_size: 2 },
      server: { host: '127.0.0.1', port: 0 },
      log: { level: 'silent' },
    });
    const logger = createLogger('silent', { pretty: false });
    // The same config, as two containers of one image would have: SQLite's data-directory lock would refuse the second.
    servers.push(await startServer(config, logger));
    servers.push(await startServer(config, logger));
    const [a, b] = servers as [Server, Server];
    await createAgent(a.ctx, { email: 'admin@example.test', name: 'Admin', role: 'admin', password: TEST_PASSWORD });

    const login = await fetch(`${b.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.test', password: TEST_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('kefu_session='))?.split(';')[0] ?? '';
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    // Signed in on one process, the session works on the other: nothing is sticky.
    const made = await fetch(`${a.url}/api/v1/labels`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ name: 'shared' }),
    });
    expect(made.status).toBe(201);
    const listed = await fetch(`${b.url}/api/v1/labels`, { headers: { cookie } });
    expect(((await listed.json()) as { items: Array<{ name: string }> }).items.map((l) => l.name)).toEqual(['shared']);
  });
});
