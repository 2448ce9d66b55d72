import { afterAll, describe, expect, it } from 'vitest';
import type { RuleAction, RuleCondition, TimelineEvent } from '../../web/shared/types.js';
import { eventLines } from '../../web/agent/data/event-lines.js';
import { lineText } from '../../web/agent/data/line-parts.js';
import { fromAction, fromCondition, toAction, toCondition, type ActionRow, type ConditionRow } from '../../web/agent/data/rule-form.js';
import { setLanguage } from '../../web/shared/i18n/i18n.js';

afterAll(() => setLanguage('en'));


describe('rule editor rows', () => {
  it.each<[string, ConditionRow, RuleCondition]>([
    ['text contains', { field: 'subject', op: 'contains', key: '', value: 'refund' }, { field: 'subject', op: 'contains', value: 'refund' }],
    ['a comma list for in', { field: 'channel', op: 'in', key: '', value: 'email, widget ,' }, { field: 'channel', op: 'in', value: ['email', 'widget'] }],
    ['ids as numbers', { field: 'team', op: 'in', key: '', value: '3, 4' }, { field: 'team', op: 'in', value: [3, 4] }],
    ['minutes as a number', { field: 'minutes_since_created', op: 'gte', key: '', value: '15' }, { field: 'minutes_since_created', op: 'gte', value: 15 }],
    ['no value for is_empty', { field: 'assignee', op: 'is_empty', key: '', value: 'x' }, { field: 'assignee', op: 'is_empty' }],
    ['a key for attributes', { field: 'contact_attribute', op: 'equals', key: ' plan ', value: 'gold' }, { field: 'contact_attribute', op: 'equals', key: 'plan', value: 'gold' }],
    ['the default calendar', { field: 'business_hours', op: 'outside', key: '', value: '' }, { field: 'business_hours', op: 'outside', value: null }],
  ])('condition: %s', (_name, row, condition) => {
    expect(toCondition(row)).toEqual(condition);
  });

  it.each<[string, ActionRow, RuleAction]>([
    ['labels', { type: 'add_labels', value: 'refund, vip' }, { type: 'add_labels', labels: ['refund', 'vip'] }],
    ['team', { type: 'assign_team', value: '3' }, { type: 'assign_team', teamId: 3 }],
    ['nobody', { type: 'assign_agent', value: '' }, { type: 'assign_agent', agentId: null }],
    ['fields', { type: 'set_custom_fields', value: 'tier=gold\norder = A-1' }, { type: 'set_custom_fields', fields: { tier: 'gold', order: 'A-1' } }],
    ['webhook', { type: 'webhook', value: ' https://h.example/x ' }, { type: 'webhook', url: 'https://h.example/x' }],
    ['close as spam', { type: 'close_spam', value: '' }, { type: 'close_spam' }],
    ['run assignment', { type: 'run_assignment', value: '' }, { type: 'run_assignment' }],
  ])('action: %s, and back', (_name, row, action) => {
    expect(toAction(row)).toEqual(action);
    expect(toAction(fromAction(action))).toEqual(action);
  });

  it('reads a stored condition back into a row', () => {
    expect(fromCondition({ field: 'labels', op: 'in', value: ['a', 'b'] })).toEqual({ field: 'labels', op: 'in', key: '', value: 'a, b' });
  });

  it('words what a rule did besides changing fields, in the agent’s language', async () => {
    const ev: TimelineEvent = {
      id: 1,
      ticketId: 9,
      kind: 'updated',
      actor: { kind: 'automation', id: 4, name: 'Thanks' },
      changes: [{ field: 'rule', actions: ['auto_reply', 'webhook'] }],
      at: '2026-03-02T10:00:00.000Z',
    };
    await setLanguage('en');
    expect(eventLines(ev).map((l) => lineText(l.parts))).toEqual(['Rule ‘Thanks’: Send an automatic reply, Call a webhook']);
    await setLanguage('zh-CN');
    expect(eventLines(ev).map((l) => lineText(l.parts))).toEqual(['规则“Thanks”：发送自动回复、调用 Webhook']);
    const assign: TimelineEvent = { ...ev, changes: [{ field: 'rule', actions: ['run_assignment'] }] };
    expect(eventLines(assign).map((l) => lineText(l.parts))).toEqual(['规则“Thanks”：自动分配']);
    await setLanguage('zh-TW');
    expect(eventLines(assign).map((l) => lineText(l.parts))).toEqual(['規則「Thanks」：自動分配']);
    await setLanguage('en');
    expect(eventLines(assign).map((l) => lineText(l.parts))).toEqual(['Rule ‘Thanks’: Auto-assign']);
  });
});
