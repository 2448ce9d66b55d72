import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../../server/context.js';
import { createLogger } from '../../../server/logger.js';
import { enqueue } from '../../../server/outbox/queue.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';

const ROWS = 60;
let t: TestApp;
let other: AppContext;
const sent: number[] = [];

beforeAll(async () => {
  t = await createTestApp();
  // A second process on the same database (on SQLite, a second connection to the same file).
  other = await createContext(t.config, createLogger('silent', { pretty: false }));
  for (const ctx of [t.ctx, other]) {
    ctx.outbox.registerSender('two-processes', async (row) => {
      sent.push((row.payload as { n: number }).n);
    });
  }
});
afterAll(async () => {
  await other?.close();
  await t?.close();
});

describe('the outbox served by two processes', () => {
  it('sends each row once when both claim at the same moment', async () => {
    await t.ctx.database.transaction(async (tx) => {
      for (let n = 0; n < ROWS; n++) await enqueue(tx, { kind: 'two-processes', channelName: null, payload: { n } });
    });
    for (;;) {
      const claimed = await Promise.all([t.ctx.outbox.runOnce(), other.outbox.runOnce(), t.ctx.outbox.runOnce(), other.outbox.runOnce()]);
      if (claimed.every((n) => n === 0)) break;
    }
    expect(sent.toSorted((a, b) => a - b)).toEqual(Array.from({ length: ROWS }, (_, n) => n));
  });
});
