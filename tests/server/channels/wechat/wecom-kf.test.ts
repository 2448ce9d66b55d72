import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wechatIdle } from '../../../../server/channels/wechat/index.js';
import type { TestApp } from '../../../helpers/app.js';
import { signedPush, startFakeWechat, type FakeWechat } from '../../../helpers/fake-wechat.js';
import { AES_KEY, deliveryOf, drainOutbox, messagesOf, officialAccount, reply, restartDesk, ticketsOf, wechatDesk } from './helpers.js';

const KF = 'wkAJ2GCAAAZSfhHCt7IFSvLKtMPxyJTw';
const VECTOR_TOKEN = 'QDG6eK';

let fake: FakeWechat;
let t: TestApp;

beforeAll(async () => {
  fake = await startFakeWechat();
  t = await wechatDesk([
    {
      name: 'kf',
      kind: 'wecom_kf',
      corp_id: fake.appId,
      secret: fake.appSecret,
      token: VECTOR_TOKEN,
      encoding_aes_key: AES_KEY,
      open_kfids: [KF],
      welcome_message: '您好，请问有什么可以帮您？',
      servicer_userid: 'zhangsan',
      api_base_url: fake.url,
    },
    officialAccount(fake, { name: 'mp-broken', app_secret: 'wrong-secret' }),
  ]);
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

/** The callback WeCom posts when a customer-service account has news. */
async function callback(): Promise<{ status: number; body: string }> {
  const fields = { ToUserName: fake.appId, CreateTime: Math.floor(Date.now() / 1000), MsgType: 'event', Event: 'kf_msg_or_event', Token: 'SYNC_TOKEN', OpenKfId: KF };
  const signed = signedPush({ token: VECTOR_TOKEN, encodingAesKey: AES_KEY, receiverId: fake.appId }, fields, 'safe');
  const res = await t.app.inject({ method: 'POST', url: `/webhooks/wechat/kf?${signed.query}`, headers: { 'content-type': 'text/xml' }, payload: signed.body });
  return { status: res.statusCode, body: res.body };
}

let seq = 0;
function customerText(userId: string, content: string) {
  return { msgid: `kfmsg-${++seq}`, open_kfid: KF, external_userid: userId, send_time: Math.floor(Date.now() / 1000), origin: 3, msgtype: 'text', text: { content } };
}
const queue = (...msgs: Array<Record<string, unknown>>) => {
  const list = fake.kfMessages.get(KF) ?? [];
  list.push(...(msgs as never[]));
  fake.kfMessages.set(KF, list);
};

describe('WeCom kf', () => {
  it("answers WeCom's URL verification with the published vector's decrypted echostr", async () => {
    const q = new URLSearchParams({
      msg_signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
      timestamp: '1409659589',
      nonce: '263014780',
      echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
    });
    const res = await t.app.inject({ method: 'GET', url: `/webhooks/wechat/kf?${q}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('1616140317555161061');
  });

  it('pulls messages with sync_msg on a callback, names the customer, and resumes from the stored cursor', async () => {
    fake.customers.set('wm_lily', '莉莉');
    queue(customerText('wm_lily', '我想咨询一下会员卡'), customerText('wm_lily', '在吗'));
    expect(await callback()).toEqual({ status: 200, body: 'success' });
    const [ticket] = await ticketsOf(t, 'wm_lily');
    expect(ticket?.thread_key).toBe(`kf:${KF}:wm_lily`);
    expect((await messagesOf(t, ticket?.id ?? 0)).map((m) => [m.text, m.author_name])).toEqual([
      ['我想咨询一下会员卡', '莉莉'],
      ['在吗', '莉莉'],
    ]);
    const syncs = fake.callsTo('/cgi-bin/kf/sync_msg');
    expect(syncs[0]?.body).toMatchObject({ token: 'SYNC_TOKEN', open_kfid: KF });
    expect(syncs[0]?.body.cursor).toBeUndefined();

    t = await restartDesk(t);
    queue(customerText('wm_lily', '第三条'));
    await callback();
    expect(fake.callsTo('/cgi-bin/kf/sync_msg').at(-1)?.body.cursor).toBe('2');
    expect((await messagesOf(t, ticket?.id ?? 0)).map((m) => m.text)).toEqual(['我想咨询一下会员卡', '在吗', '第三条']);
  });

  it('sends the welcome message on enter_session once, and keeps where the customer came from', async () => {
    const enter = { msgid: `ev-${++seq}`, open_kfid: KF, origin: 4, msgtype: 'event', send_time: Math.floor(Date.now() / 1000), event: { event_type: 'enter_session', open_kfid: KF, external_userid: 'wm_max', welcome_code: 'WELCOME_1', scene_param: 'order_page' } };
    queue(enter);
    await callback();
    expect(fake.callsTo('/cgi-bin/kf/send_msg_on_event').map((c) => c.body)).toEqual([{ code: 'WELCOME_1', msgtype: 'text', text: { content: '您好，请问有什么可以帮您？' } }]);
    // The same event handed out again (a cursor lost to a crash between page and save): no second welcome.
    queue(enter);
    await callback();
    expect(fake.callsTo('/cgi-bin/kf/send_msg_on_event')).toHaveLength(1);
    const fact = await t.ctx.db.selectFrom('wechat_events').select(['event_key']).where('user_id', '=', 'wm_max').executeTakeFirstOrThrow();
    expect(fact.event_key).toBe('order_page');
  });

  it('replies with kf/send_msg within the same 5-message window, and updates the session state', async () => {
    queue(customerText('wm_nina', '发票怎么开？'));
    await callback();
    const [ticket] = await ticketsOf(t, 'wm_nina');
    const ids: number[] = [];
    for (let i = 1; i <= 6; i++) ids.push(await reply(t, ticket?.id ?? 0, `回复 ${i}`));
    await drainOutbox(t);
    const sent = fake.callsTo('/cgi-bin/kf/send_msg').filter((c) => c.body.touser === 'wm_nina');
    expect(sent).toHaveLength(5);
    expect(sent[0]?.body).toEqual({ touser: 'wm_nina', open_kfid: KF, msgtype: 'text', text: { content: '回复 1' } });
    expect((await deliveryOf(t, ids[5] ?? 0)).delivery_error).toMatch(/^held_for_customer/);

    const take = await t.app.inject({ method: 'PATCH', url: `/api/v1/tickets/${ticket?.id}`, headers: t.admin.headers, payload: { assigneeId: t.admin.agentId } });
    expect(take.statusCode).toBe(200);
    const done = await t.app.inject({ method: 'PATCH', url: `/api/v1/tickets/${ticket?.id}`, headers: t.admin.headers, payload: { status: 'resolved' } });
    expect(done.statusCode).toBe(200);
    await wechatIdle(t.ctx);
    const states = fake.callsTo('/cgi-bin/kf/service_state/trans').filter((c) => c.body.external_userid === 'wm_nina');
    expect(states.map((c) => c.body)).toEqual([
      { open_kfid: KF, external_userid: 'wm_nina', service_state: 3, servicer_userid: 'zhangsan' },
      { open_kfid: KF, external_userid: 'wm_nina', service_state: 4 },
    ]);
  });

  it('reports a channel whose access_token cannot be fetched in /readyz', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    const body = res.json<{ checks: Record<string, { status: string; message?: string }> }>();
    expect(body.checks['wechat:kf']?.status).toBe('ok');
    expect(body.checks['wechat:mp-broken']?.status).toBe('fail');
    expect(body.checks['wechat:mp-broken']?.message).toMatch(/40125/);
  });
});
