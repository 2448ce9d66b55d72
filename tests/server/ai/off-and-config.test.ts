import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromObject } from '../../../server/config/load.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { inboundTicket } from '../tickets/fixtures.js';

describe('without an ai section', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('answers 404 on every AI route and leaves them out of /api/docs', async () => {
    const ticket = await inboundTicket(t, { text: 'Hello' });
    const get = await t.app.inject({ method: 'GET', url: '/api/v1/ai', headers: { cookie: t.admin.cookie } });
    expect(get.statusCode).toBe(404);
    for (const what of ['draft', 'summary']) {
      const res = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticket.ticketId}/ai/${what}`, headers: t.admin.headers });
      expect(res.statusCode).toBe(404);
    }
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths).filter((p) => p.includes('/ai'))).toEqual([]);
  });
});

describe('ai config', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kefu-ai-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [{ base_url: 'ftp://models.example', model: 'm' }, /ai\.base_url: /],
    [{ base_url: 'https://models.example/v1', model: '' }, /ai\.model: /],
    [{ base_url: 'https://models.example/v1' }, /ai\.model: is required/],
    [{ base_url: 'https://models.example/v1', model: 'm', timeout_seconds: 0 }, /ai\.timeout_seconds: /],
    [{ base_url: 'https://models.example/v1', model: 'm', temperature: 2 }, /ai\.temperature: unknown key/],
  ])('stops start-up naming the key for %j', (ai, problem) => {
    expect(() => configFromObject({ ai }, {}, dir)).toThrow(problem);
  });

  it('reads the key from a file or an environment variable', () => {
    writeFileSync(path.join(dir, 'ai_key'), 'sk-from-file\n');
    const fromFile = configFromObject({ ai: { base_url: 'https://models.example/v1', model: 'm', api_key_file: 'ai_key' } }, {}, dir);
    expect(fromFile.ai?.api_key).toBe('sk-from-file');
    const fromEnv = configFromObject({ ai: { base_url: 'https://models.example/v1', model: 'm', api_key: '${AI_KEY}' } }, { AI_KEY: 'sk-from-env' }, dir);
    expect(fromEnv.ai).toMatchObject({ api_key: 'sk-from-env', timeout_seconds: 60, max_articles: 3, max_messages: 20 });
  });

  it('names an unreadable key file', () => {
    expect(() => configFromObject({ ai: { base_url: 'https://models.example/v1', model: 'm', api_key_file: 'missing' } }, {}, dir)).toThrow(/ai\.api_key_file: cannot read missing/);
  });
});
