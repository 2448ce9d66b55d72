import { buildApp } from '../../../../server/app.js';
import { startWechatChannels } from '../../../../server/channels/wechat/index.js';
import { configFromObject } from '../../../../server/config/load.js';
import { createContext } from '../../../../server/context.js';
import { createLogger } from '../../../../server/logger.js';
import { createTestApp, type TestApp } from '../../../helpers/app.js';
import { signedPush, type FakeWechat, type PushMode } from '../../../helpers/fake-wechat.js';

export const TOKEN = 'kefuToken2026';
export const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';

export function officialAccount(fake: FakeWechat, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'mp',
    kind: 'official_account',
    app_id: fake.appId,
    app_secret: fake.appSecret,
    token: TOKEN,
    encoding_aes_key: AES_KEY,
    api_base_url: fake.url,
    ...extra,
  };
}

/** A Kefu with the given WeChat channels and their sender and checks started. */
export async function wechatDesk(channels: Array<Record<string, unknown>>): Promise<TestApp> {
  const t = await createTestApp({ channels: { wechat: channels } });
  startWechatChannels(t.ctx);
  return t;
}

/**
 * The same desk stopped and started again on its data directory, as a restart would: a new
 * context and app, nothing carried over in memory.
 */
export async function restartDesk(t: TestApp): Promise<TestApp> {
  await t.app.close();
  await t.ctx.close();
  const config = configFromObject({ channels: t.config.channels, database: t.config.database, data_dir: t.dataDir, log: { level: 'silent' } });
  const ctx = await createContext(config, createLogger('silent', { pretty: false }));
  const app = await buildApp(ctx, { webRoot: null });
  await app.ready();
  startWechatChannels(ctx);
  const admin = await loginAgain(app, t.admin.email);
  return { ...t, ctx, app, config, admin };
}

async function loginAgain(app: TestApp['app'], email: string): Promise<TestApp['admin']> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'correct horse battery' } });
  const body = res.json<{ agent: { id: number }; csrfToken: string }>();
  const cookie = `kefu_session=${res.cookies.find((c) => c.name === 'kefu_session')?.value ?? ''}`;
  return { agentId: body.agent.id, email, cookie, csrf: body.csrfToken, headers: { cookie, 'x-csrf-token': body.csrfToken } };
}

let msgSeq = 1_000_000;
export const nextMsgId = (): string => String(++msgSeq);

/** POSTs a push to the desk as WeChat would; returns the status and body. */
export async function push(
  t: TestApp,
  fake: FakeWechat,
  fields: Record<string, string | number>,
  mode: PushMode = 'safe',
  channel = 'mp',
): Promise<{ status: number; body: string }> {
  const signed = signedPush({ token: TOKEN, encodingAesKey: AES_KEY, receiverId: fake.appId }, fields, mode);
  const res = await t.app.inject({
    method: 'POST',
    url: `/webhooks/wechat/${channel}?${signed.query}`,
    headers: { 'content-type': 'text/xml' },
    payload: signed.body,
  });
  return { status: res.statusCode, body: res.body };
}

export function textPush(openid: string, content: string, msgId = nextMsgId()): Record<string, string | number> {
  return { ToUserName: 'gh_kefu', FromUserName: openid, CreateTime: Math.floor(Date.now() / 1000), MsgType: 'text', Content: content, MsgId: msgId };
}

export async function ticketsOf(t: TestApp, openid: string) {
  return t.ctx.db
    .selectFrom('tickets')
    .selectAll()
    .where('channel_kind', '=', 'wechat')
    .where('thread_key', 'like', `%${openid}`)
    .execute();
}

export async function messagesOf(t: TestApp, ticketId: number) {
  return t.ctx.db.selectFrom('messages').selectAll().where('ticket_id', '=', ticketId).orderBy('id').execute();
}

export async function reply(t: TestApp, ticketId: number, text: string, extra: Record<string, unknown> = {}): Promise<number> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/tickets/${ticketId}/messages`,
    headers: t.admin.headers,
    payload: { kind: 'reply', text, ...extra },
  });
  if (res.statusCode !== 201) throw new Error(`reply failed: ${res.statusCode} ${res.body}`);
  return res.json<{ message: { id: number } }>().message.id;
}

export async function deliveryOf(t: TestApp, messageId: number) {
  return t.ctx.db.selectFrom('messages').select(['delivery_status', 'delivery_error']).where('id', '=', messageId).executeTakeFirstOrThrow();
}

/** Runs the outbox until nothing is due. */
export async function drainOutbox(t: TestApp): Promise<void> {
  for (let i = 0; i < 20 && (await t.ctx.outbox.runOnce()) > 0; i++);
}
