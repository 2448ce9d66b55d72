import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.js';
import { configFromObject } from '../../../server/config/load.js';
import { createContext } from '../../../server/context.js';
import { createLogger } from '../../../server/logger.js';
import { tempDir } from '../../helpers/app.js';

const FORWARDED = { 'x-forwarded-for': '1.2.3.4, 5.6.7.8' };

/** The IP Fastify derives for a request from 127.0.0.1 (app.inject's peer) carrying FORWARDED. */
async function seenIp(trustProxy: unknown): Promise<string> {
  const dataDir = tempDir();
  const config = configFromObject({ server: { trust_proxy: trustProxy }, data_dir: dataDir, log: { level: 'silent' } });
  const ctx = await createContext(config, createLogger('silent', { pretty: false }));
  const app = await buildApp(ctx, { webRoot: null });
  try {
    // Test-only route: request.ip is what rate limits, sessions and the audit log record.
    app.get('/__test/ip', async (request) => ({ ip: request.ip }));
    await app.ready();
    const res = await app.inject({ method: 'GET', url: '/__test/ip', headers: FORWARDED });
    expect(res.statusCode).toBe(200);
    return res.json<{ ip: string }>().ip;
  } finally {
    await app.close();
    await ctx.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('trust_proxy over HTTP', () => {
  it('with one hop takes the address the proxy appended, not the one the client wrote', async () => {
    expect(await seenIp(1)).toBe('5.6.7.8');
  });

  it('reads true as one hop, so the client cannot choose the first entry', async () => {
    expect(await seenIp(true)).toBe('5.6.7.8');
  });

  it('ignores the header when the connecting address is not a listed proxy', async () => {
    expect(await seenIp(['10.0.0.0/8', '192.168.0.0/16'])).toBe('127.0.0.1');
  });

  it('follows the header through a listed proxy', async () => {
    expect(await seenIp(['127.0.0.0/8'])).toBe('5.6.7.8');
  });

  it('ignores the header by default', async () => {
    expect(await seenIp(false)).toBe('127.0.0.1');
  });
});
