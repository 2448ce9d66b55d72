import { afterAll, describe, expect, it } from 'vitest';
import type { TimelineChange, TimelineEvent } from '../../web/shared/types.js';
import { eventLines, mergeEvents } from '../../web/agent/data/event-lines.js';
import { lineText } from '../../web/agent/data/line-parts.js';
import { systemParts, systemText } from '../../web/agent/data/system-text.js';
import { setLanguage } from '../../web/shared/i18n/i18n.js';

let seq = 0;
const alex = { kind: 'agent' as const, id: 1, name: 'Alex' };
function ev(changes: TimelineChange[], actor: TimelineEvent['actor'] = alex, kind: TimelineEvent['kind'] = 'updated'): TimelineEvent {
  return { id: ++seq, ticketId: 9, kind, actor, changes, at: '2026-03-02T10:00:00.000Z' };
}
const text = (e: TimelineEvent) => eventLines(e).map((l) => lineText(l.parts));

afterAll(() => setLanguage('en'));

describe('timeline event lines', () => {
  it('words assignments, transfers and taking a ticket', () => {
    expect(text(ev([{ field: 'assignee', from: null, to: { id: 2, name: 'Sam' } }]))).toEqual(['Alex assigned this to Sam.']);
    expect(text(ev([{ field: 'assignee', from: null, to: { id: 1, name: 'Alex' } }]))).toEqual(['Alex took this ticket.']);
    expect(text(ev([{ field: 'assignee', from: { id: 2, name: 'Sam' }, to: null }]))).toEqual(['Alex unassigned Sam.']);
    expect(text(ev([{ field: 'team', from: null, to: { id: 4, name: 'Billing' } }]))).toEqual(['Alex transferred this to the team Billing.']);
    expect(text(ev([{ field: 'team', from: { id: 4, name: null }, to: null }]))).toEqual(['Alex removed this from the team #4 (deleted).']);
  });

  it('makes a snooze and its time one line, and says when the snooze ended', () => {
    const snooze = ev([
      { field: 'status', from: 'open', to: 'snoozed' },
      { field: 'snoozedUntil', from: null, to: '2026-03-04T09:00:00.000Z' },
    ]);
    expect(eventLines(snooze)).toHaveLength(1);
    expect(text(snooze)[0]).toMatch(/^Alex snoozed this until .*\.$/);
    const woke = ev([{ field: 'status', from: 'snoozed', to: 'open' }, { field: 'snoozedUntil', from: '2026-03-04T09:00:00.000Z', to: null }], { kind: 'system', id: null, name: null });
    expect(text(woke)).toEqual(['The snooze ended: Snoozed → Open.']);
  });

  it('tells a customer reopening from an agent changing the status', () => {
    const contact = { kind: 'contact' as const, id: 5, name: 'Olga' };
    expect(text(ev([{ field: 'status', from: 'resolved', to: 'open' }], contact, 'reopened'))).toEqual(['Olga replied and reopened this ticket.']);
    expect(text(ev([{ field: 'status', from: 'pending', to: 'open' }], contact))).toEqual(['Olga replied: Pending → Open.']);
    expect(text(ev([{ field: 'status', from: 'open', to: 'resolved' }]))).toEqual(['Alex changed the status: Open → Resolved.']);
    expect(text(ev([{ field: 'priority', from: 'normal', to: 'urgent' }], { kind: 'automation', id: null, name: null }))).toEqual([
      'Automation changed the priority: Normal → Urgent.',
    ]);
  });

  it('keeps every label a value of its own, in the agent’s language', async () => {
    const labels = ev([{ field: 'labels', added: ['vip', 'refund'], removed: ['new'] }]);
    expect(text(labels)).toEqual(['Alex added the labels vip, refund.', 'Alex removed the label new.']);
    expect(eventLines(labels)[0]?.parts.filter((p) => typeof p !== 'string')).toEqual([{ value: 'Alex' }, { value: 'vip' }, { value: 'refund' }]);
    await setLanguage('zh-CN');
    expect(text(labels)).toEqual(['Alex 添加了标签 vip、refund。', 'Alex 移除了标签 new。']);
    await setLanguage('en');
  });

  it('merges newer events in once each, in id order', () => {
    const a = ev([{ field: 'priority', from: 'low', to: 'high' }]);
    const b = ev([{ field: 'priority', from: 'high', to: 'low' }]);
    expect(mergeEvents([b], [a, b]).map((e) => e.id)).toEqual([a.id, b.id]);
  });
});

describe('merge lines', () => {
  it('reads numbers and who merged from the meta, and the English text when there is no meta', async () => {
    const meta = { event: 'merged', fromTicketId: 4, fromNumber: 1004, byName: 'Alex' };
    expect(systemText({ text: '#1004 was merged into this ticket by Alex.', meta })).toBe('#1004 was merged into this ticket by Alex.');
    expect(systemParts({ text: 'anything', meta }).filter((p) => typeof p !== 'string')).toEqual([{ value: '1004' }, { value: 'Alex' }]);
    await setLanguage('zh-TW');
    expect(systemText({ text: 'Merged into #1005 by Sam Lee.' })).toBe('Sam Lee 已將此工單合併到 #1005。');
    await setLanguage('en');
  });
});

describe('chat end and rating lines', () => {
  it('words them from the meta, and a list preview (English text only) in the agent’s language too', async () => {
    expect(systemText({ text: 'Rated 4/5: Quick', meta: { event: 'csat.rated', score: 4, comment: 'Quick' } })).toBe('Rated 4/5: Quick');
    expect(systemText({ text: 'Rated 2/5', meta: { event: 'csat.rated', score: 2, comment: null } })).toBe('Rated 2/5');
    await setLanguage('zh-CN');
    expect(systemText({ text: 'Visitor ended the chat.' })).toBe('访客结束了对话');
    expect(systemText({ text: 'Rated 5/5: 很快，谢谢' })).toBe('评分 5/5：很快，谢谢');
    expect(systemText({ text: 'Rated 3/5' })).toBe('评分 3/5');
    expect(systemText({ text: 'Customer rated 5/5: 很耐心', meta: { event: 'csat.rated', score: 5, scale: 'faces', comment: '很耐心', source: 'email' } })).toBe('评分 😀：很耐心');
    await setLanguage('en');
  });

  it('shows a rating on the faces scale as its face', () => {
    expect(systemText({ text: 'Customer rated 1/5', meta: { event: 'csat.rated', score: 1, scale: 'faces', comment: null, source: 'email' } })).toBe('Rated 😞');
    expect(systemText({ text: 'Customer rated 3/5: Slow', meta: { event: 'csat.rated', score: 3, scale: 'faces', comment: 'Slow', source: 'email' } })).toBe('Rated 😐: Slow');
  });
});

describe('channel edit lines', () => {
  it('words a customer’s edit from the meta in the agent’s language', async () => {
    const m = { text: 'Edited a message: order 1243', meta: { event: 'message.edited', text: 'order 1243' } };
    expect(systemText(m)).toBe('Customer edited a message: order 1243');
    await setLanguage('zh-CN');
    expect(systemText(m)).toBe('客户编辑了一条消息：order 1243');
    await setLanguage('zh-TW');
    expect(systemText(m)).toBe('客戶編輯了一則訊息：order 1243');
    await setLanguage('en');
  });
});

describe('WeChat follow and menu lines', () => {
  it('words follows, unfollows and menu taps from the meta in the agent’s language', async () => {
    const followed = { text: 'Followed the Official Account', meta: { event: 'wechat.subscribe' } };
    const unfollowed = { text: 'Unfollowed the Official Account', meta: { event: 'wechat.unsubscribe' } };
    const menu = { text: 'Tapped menu: ORDER_STATUS', meta: { event: 'wechat.menu', key: 'ORDER_STATUS' } };
    const link = { text: 'Opened menu link: https://shop.example/orders', meta: { event: 'wechat.menu_link', key: 'https://shop.example/orders' } };
    expect([followed, unfollowed, menu, link].map(systemText)).toEqual([
      'Followed the Official Account',
      'Unfollowed the Official Account',
      'Tapped menu: ORDER_STATUS',
      'Opened menu link: https://shop.example/orders',
    ]);
    await setLanguage('zh-CN');
    expect([followed, unfollowed, menu, link].map(systemText)).toEqual(['关注了公众号', '取消关注了公众号', '点击了菜单：ORDER_STATUS', '打开了菜单链接：https://shop.example/orders']);
    await setLanguage('zh-TW');
    expect([followed, unfollowed, menu, link].map(systemText)).toEqual(['關注了公眾號', '取消關注了公眾號', '點擊了選單：ORDER_STATUS', '開啟了選單連結：https://shop.example/orders']);
    await setLanguage('en');
  });
});
