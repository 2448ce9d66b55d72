import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmailChannels } from '../../../../server/channels/email/index.js';
import { ConfigError, configFromObject } from '../../../../server/config/load.js';
import { createTestApp, tempDir, type TestApp } from '../../../helpers/app.js';
import { freePort } from '../../../helpers/dovecot.js';

describe('mailbox state in /readyz and GET /channels', () => {
  let t: TestApp;
  beforeAll(async () => {
    const port = await freePort(); // nothing listens there: the mailbox cannot connect
    t = await createTestApp({
      channels: { email: [{ name: 'down', address: 'down@example.com', imap: { host: '127.0.0.1', port, security: 'none', user: 'u', password: 'p' } }] },
    });
  });
  afterAll(async () => t?.close());

  it('reports an unreachable mailbox as degraded, not unavailable, with its error', async () => {
    const runtime = startEmailChannels(t.ctx, { baseBackoffMs: 50, maxBackoffMs: 200 });
    const receiver = runtime.receivers.get('down');
    for (let i = 0; i < 200 && !receiver?.status.lastError; i++) await new Promise((r) => setTimeout(r, 10));
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    const report = ready.json<{ status: string; checks: Record<string, { status: string; critical: boolean; message?: string }> }>();
    expect(report.status).toBe('degraded');
    expect(report.checks['email:down']).toMatchObject({ status: 'fail', critical: false });
    expect(report.checks['email:down']?.message).toMatch(/ECONNREFUSED|connect/i);

    const channels = await t.app.inject({ method: 'GET', url: '/api/v1/channels', headers: t.admin.headers });
    const item = channels.json<{ items: Array<{ name: string; state: { connected: boolean; lastError: string | null } | null }> }>().items.find((c) => c.name === 'down');
    expect(item?.state).toMatchObject({ connected: false });
    expect(item?.state?.lastError).toBeTruthy();
    await runtime.stop();
  });
});

describe('email channel configuration', () => {
  const base = { name: 'support', address: 'support@example.com' };
  const problems = (raw: unknown): string => {
    try {
      configFromObject(raw);
      return '';
    } catch (err) {
      if (err instanceof ConfigError) return err.problems.join('\n');
      throw err;
    }
  };

  it.each([
    [{ ...base, imap: { host: 'imap.example.com', port: 99999, user: 'u', password: 'p' } }, /channels\.email\[0\]\.imap\.port/],
    [{ ...base, imap: { host: 'imap.example.com', user: 'u', password: 'p', after_import: 'archive' } }, /channels\.email\[0\]\.imap\.after_import: expected one of/],
    [{ ...base, imap: { host: 'imap.example.com', user: 'u', password: 'p', after_import: 'move' } }, /channels\.email\[0\]\.imap\.move_to: required/],
    [{ ...base, smtp: { host: 'smtp.example.com', security: 'ssl' } }, /channels\.email\[0\]\.smtp\.security/],
    [{ name: 'Bad Name', address: 'support@example.com' }, /channels\.email\[0\]\.name/],
    [{ ...base, address: 'not-an-address' }, /channels\.email\[0\]\.address/],
    [{ ...base, auto_acknowledge: { subject: 'Hi', body: 'x', max_per_sender_per_day: 0 } }, /max_per_sender_per_day/],
    [{ ...base, imap: { host: 'imap.example.com', user: 'u', password: 'p', polling: 5 } }, /imap\.polling: unknown key/],
  ])('rejects %j naming the key', (channel, expected) => {
    expect(problems({ channels: { email: [channel] } })).toMatch(expected);
  });

  it('takes the IMAP password from password_file and fills defaults', () => {
    const dir = tempDir();
    const file = path.join(dir, 'imap-password');
    writeFileSync(file, 's3cret\n');
    const config = configFromObject({ channels: { email: [{ ...base, imap: { host: 'imap.example.com', user: 'u', password_file: file } }] } });
    expect(config.channels.email[0]?.imap).toMatchObject({ password: 's3cret', port: 993, security: 'tls', folder: 'INBOX', after_import: 'seen', idle: true });
  });

  it('accepts a mailbox fed only by the MTA pipe', () => {
    expect(problems({ channels: { email: [base] } })).toBe('');
  });
});
