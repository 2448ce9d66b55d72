import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../server/commands/run-cli.js';
import { configFromObject } from '../../../server/config/load.js';
import { createContext } from '../../../server/context.js';
import { createLogger } from '../../../server/logger.js';
import { verifyPassword } from '../../../server/modules/agents/passwords.js';
import { tempDir, testDatabaseConfig } from '../../helpers/app.js';

const dir = tempDir('kefu-seed-command-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

describe('kefu seed', () => {
  it('prints the password it made for the demo agents, and that password signs them in', async () => {
    const data = path.join(dir, 'data');
    const config = path.join(dir, 'config.yaml');
    // On the PostgreSQL run, the command seeds a database of its own on the run's cluster.
    const database = await testDatabaseConfig();
    writeFileSync(config, JSON.stringify({ data_dir: data, log: { level: 'silent' }, ...(database ? { database } : {}) }));
    const out = capture();
    const err = capture();
    const code = await runCli(['seed', '--tickets', '3', '--agents', '2', '--config', config], { stdout: out.stream, stderr: err.stream });
    expect({ code, stderr: err.text() }).toEqual({ code: 0, stderr: '' });
    expect(out.text()).not.toContain('kefu-demo-password');
    const password = /password: (\S+)/.exec(out.text())?.[1];
    expect(password).toMatch(/^\S{16,}$/);

    const ctx = await createContext(configFromObject({ data_dir: data, ...(database ? { database } : {}) }), createLogger('silent', { pretty: false }));
    try {
      const agent = await ctx.db.selectFrom('agents').select('password_hash').where('email', '=', 'agent1@kefu.example').executeTakeFirstOrThrow();
      expect(await verifyPassword(password ?? '', agent.password_hash)).toBe(true);
    } finally {
      await ctx.close();
    }
  });
});
