import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presentMessage } from '../../../server/channels/widget/presenter.js';
import type { WidgetMessageRow } from '../../../server/channels/widget/queries.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const setAvatar = (avatarUrl: string | null) =>
  t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: t.admin.headers, payload: { avatarUrl } });

describe('agent avatar URLs', () => {
  it.each(['javascript:alert(document.cookie)', 'JavaScript:alert(1)', 'data:text/html,<script>x</script>', 'ftp://example.test/a.png', '//evil.test/a.png', 'not a url', ' https://example.test/a.png x'])(
    'refuses %s with 400 naming avatarUrl',
    async (url) => {
      const res = await setAvatar(url);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'invalid_url', details: { field: 'avatarUrl' } });
    },
  );

  it('accepts http(s) URLs, and empty or null clears the avatar', async () => {
    expect((await setAvatar('https://cdn.example.test/a.png')).json().agent.avatarUrl).toBe('https://cdn.example.test/a.png');
    expect((await setAvatar('http://cdn.example.test/b.png')).json().agent.avatarUrl).toBe('http://cdn.example.test/b.png');
    expect((await setAvatar('')).json().agent.avatarUrl).toBeNull();
    expect((await setAvatar(null)).json().agent.avatarUrl).toBeNull();
  });

  it('never presents a stored non-http(s) avatar to agents', async () => {
    await t.ctx.db.updateTable('agents').set({ avatar_url: 'javascript:alert(1)' }).where('id', '=', t.admin.agentId).execute();
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: t.admin.headers });
    expect(me.json().agent.avatarUrl).toBeNull();
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/agents', headers: t.admin.headers });
    expect(list.json().items.find((a: { id: number }) => a.id === t.admin.agentId).avatarUrl).toBeNull();
  });

  it('never sends a stored non-http(s) avatar to a visitor', () => {
    const row = {
      id: 1,
      conversation_id: 1,
      visitor_id: 1,
      ticket_message_id: 1,
      client_id: null,
      author_kind: 'agent',
      author_name: 'Ada',
      author_avatar: 'javascript:alert(1)',
      text: 'hi',
      attachments: '[]',
      bot: null,
      created_at: 0,
    } as unknown as WidgetMessageRow;
    expect(presentMessage('secret', 'web', row).author.avatarUrl).toBeNull();
    expect(presentMessage('secret', 'web', { ...row, author_avatar: 'https://cdn.example.test/a.png' }).author.avatarUrl).toBe(
      'https://cdn.example.test/a.png',
    );
  });
});
