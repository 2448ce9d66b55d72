import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../helpers/app.js';
import { identityHash } from '../../../../server/channels/widget/token.js';
import { IDENTITY_SECRET, Visitor, widgetApp } from './helpers.js';

describe('widget transcripts go only to a verified address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await widgetApp({
      email_channel: 'support',
      title: { en: 'Acme', 'zh-CN': '艾克米' },
      rate_limits: { ip_transcripts_per_hour: 2, channel_transcripts_per_hour: 3 },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const mails = () => t.ctx.db.selectFrom('outbox').select('payload').where('kind', '=', 'email').execute();

  async function identified(id: string, ip = '203.0.113.1'): Promise<{ v: Visitor; conversationId: string; ip: string }> {
    const v = new Visitor(t);
    await v.start({ language: 'zh-CN' });
    const ok = await v.call('POST', '/identify', { id, hash: identityHash(IDENTITY_SECRET, id, `${id}@example.com`), email: `${id}@example.com` });
    v.token = ok.json<{ token: string }>().token;
    const sent = await v.send('hello');
    return { v, conversationId: sent.json<{ message: { conversationId: string } }>().message.conversationId, ip };
  }

  const transcript = (v: Visitor, conversationId: string, body: Record<string, unknown>, ip = '203.0.113.1') =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/widget/website/conversations/${conversationId}/transcript`,
      remoteAddress: ip,
      headers: { ...v.headers(), 'content-type': 'application/json' },
      payload: body,
    });

  it('refuses to mail an anonymous visitor’s chat to an address they typed', async () => {
    const v = new Visitor(t);
    await v.start({ email: 'victim@example.com' });
    const sent = await v.send('Click http://evil.example/reset to keep your account');
    const id = sent.json<{ message: { conversationId: string } }>().message.conversationId;
    for (const email of ['victim@example.com', 'other@example.com']) {
      const res = await transcript(v, id, { email });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('transcript_address_unverified');
    }
    expect(await mails()).toEqual([]);
  });

  it('mails an identified visitor’s chat to their identify() email once, in their language', async () => {
    const { v, conversationId } = await identified('ann');
    const other = await transcript(v, conversationId, { email: 'someone-else@example.com' });
    expect(other.json().error.code).toBe('transcript_address_unverified');
    const first = await transcript(v, conversationId, {});
    expect(first.statusCode).toBe(204);
    const payload = JSON.parse((await mails()).at(-1)!.payload) as { to: string; subject: string };
    expect(payload).toMatchObject({ to: 'ann@example.com', subject: '艾克米 transcript' });
    const again = await transcript(v, conversationId, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('transcript_already_sent');
  });

  it('budgets transcripts per IP and per channel', async () => {
    const before = (await mails()).length;
    const a = await identified('bob');
    const b = await identified('cat');
    const c = await identified('dan');
    expect((await transcript(a.v, a.conversationId, {}, '198.51.100.1')).statusCode).toBe(204);
    expect((await transcript(b.v, b.conversationId, {}, '198.51.100.1')).statusCode).toBe(204);
    // This IP used its 2 per hour.
    const third = await transcript(c.v, c.conversationId, {}, '198.51.100.1');
    expect(third.statusCode).toBe(429);
    // The channel allows 3 per hour in all; the first test's transcript was one of them.
    const fromElsewhere = await transcript(c.v, c.conversationId, {}, '198.51.100.2');
    expect(fromElsewhere.statusCode).toBe(429);
    expect((await mails()).length).toBe(before + 2);
  });
});
