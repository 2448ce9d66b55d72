import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WechatApi } from '../../../../server/channels/wechat/api.js';
import { wechatChannels } from '../../../../server/channels/wechat/runtime.js';
import type { TestApp } from '../../../helpers/app.js';
import { startFakeWechat, type FakeWechat } from '../../../helpers/fake-wechat.js';
import { officialAccount, wechatDesk } from './helpers.js';

let fake: FakeWechat;
let t: TestApp;

beforeAll(async () => {
  fake = await startFakeWechat();
  t = await wechatDesk([officialAccount(fake)]);
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

const api = () => {
  const channel = wechatChannels(t.ctx).get('mp');
  if (!channel) throw new Error('no channel');
  return channel.api;
};

describe('access_token', () => {
  it('is fetched once however many callers ask at the same time, then served from memory', async () => {
    const tokens = await Promise.all(Array.from({ length: 10 }, () => api().accessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(fake.tokenCalls).toBe(1);
    await api().accessToken();
    expect(fake.tokenCalls).toBe(1);
    const row = await t.ctx.db.selectFrom('wechat_tokens').selectAll().where('channel_name', '=', 'mp').executeTakeFirstOrThrow();
    expect(row.access_token).toBe(tokens[0]);
    expect(row.expires_at - row.fetched_at).toBe(7200 * 1000);
  });

  it('is refreshed five minutes before it expires, not after', async () => {
    const stored = await api().accessToken();
    // Another process fetched this one long ago: 10 minutes left is still good, 4 minutes is not.
    await t.ctx.db.updateTable('wechat_tokens').set({ expires_at: Date.now() + 10 * 60_000 }).execute();
    const fresh = await wechatDeskApiFromDatabase();
    expect(await fresh.accessToken()).toBe(stored);
    const calls = fake.tokenCalls;
    await t.ctx.db.updateTable('wechat_tokens').set({ expires_at: Date.now() + 4 * 60_000 }).execute();
    const renewed = await (await wechatDeskApiFromDatabase()).accessToken();
    expect(renewed).not.toBe(stored);
    expect(fake.tokenCalls).toBe(calls + 1);
  });
});

/** A second API client on the same database, as another process (or a restarted one) would have. */
async function wechatDeskApiFromDatabase(): Promise<WechatApi> {
  const config = t.ctx.config.channels.wechat[0];
  if (!config) throw new Error('no channel config');
  return new WechatApi(config, t.ctx.database, t.ctx.logger);
}
