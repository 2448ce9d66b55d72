import { describe, expect, it } from 'vitest';
import { compileConditions, matches, type BusinessHours, type TicketFacts } from '../../../server/modules/rules/conditions.js';
import type { Condition, Conditions } from '../../../server/modules/rules/schemas.js';

const NOW = Date.UTC(2026, 0, 5, 12, 0, 0);
const MIN = 60_000;

const facts: TicketFacts = {
  channel: 'email',
  channelName: 'support',
  teamId: 3,
  status: 'open',
  priority: 'normal',
  labels: ['VIP', 'billing'],
  assigneeId: null,
  subject: 'Refund for order #1234',
  body: 'Hello, I want my money back.\nThanks',
  senderEmail: 'ann@shop.example',
  language: 'zh-CN',
  contactAttributes: { plan: 'gold', seats: 12 },
  customFields: { orderId: 'A-77' },
  createdAt: NOW - 90 * MIN,
  lastActivityAt: NOW - 10 * MIN,
  lastMessageBy: 'contact',
  changed: ['labels', 'priority'],
};

// Business hours 09:00–17:00 UTC on calendar 1; calendar 2 is always closed.
const hours: BusinessHours = {
  isOpenAt: (calendar, at) => calendar !== 2 && new Date(at).getUTCHours() >= 9 && new Date(at).getUTCHours() < 17,
};

const one = (c: Condition): boolean => matches(compileConditions({ all: [c] }), facts, { now: NOW, hours });

describe('rule conditions', () => {
  it.each<[string, Condition, boolean]>([
    ['subject contains, any case', { field: 'subject', op: 'contains', value: 'REFUND' }, true],
    ['subject does not contain', { field: 'subject', op: 'not_contains', value: 'refund' }, false],
    ['subject equals is whole and case-blind', { field: 'subject', op: 'equals', value: 'refund for order #1234' }, true],
    ['subject equals a part is false', { field: 'subject', op: 'equals', value: 'refund' }, false],
    ['body matches a regex across lines', { field: 'body', op: 'matches', value: 'money\\s+back' }, true],
    ['body regex that does not match', { field: 'body', op: 'matches', value: '^thanks$' }, false],
    ['channel in', { field: 'channel', op: 'in', value: ['widget', 'email'] }, true],
    ['channel not in', { field: 'channel', op: 'not_in', value: ['email'] }, false],
    ['channel name equals', { field: 'channel_name', op: 'equals', value: 'support' }, true],
    ['status equals', { field: 'status', op: 'equals', value: 'open' }, true],
    ['priority not equals', { field: 'priority', op: 'not_equals', value: 'normal' }, false],
    ['team equals id', { field: 'team', op: 'equals', value: 3 }, true],
    ['team in ids', { field: 'team', op: 'in', value: [1, 2] }, false],
    ['assignee is empty', { field: 'assignee', op: 'is_empty' }, true],
    ['assignee is set', { field: 'assignee', op: 'is_set' }, false],
    ['labels contains, any case', { field: 'labels', op: 'contains', value: 'vip' }, true],
    ['labels in (any of)', { field: 'labels', op: 'in', value: ['spam', 'billing'] }, true],
    ['labels not in (none of)', { field: 'labels', op: 'not_in', value: ['spam'] }, true],
    ['labels is empty', { field: 'labels', op: 'is_empty' }, false],
    ['sender email equals', { field: 'sender_email', op: 'equals', value: 'ANN@shop.example' }, true],
    ['sender domain equals', { field: 'sender_domain', op: 'equals', value: 'shop.example' }, true],
    ['sender domain in', { field: 'sender_domain', op: 'in', value: ['other.example'] }, false],
    ['contact attribute equals', { field: 'contact_attribute', key: 'plan', op: 'equals', value: 'gold' }, true],
    ['numeric contact attribute equals', { field: 'contact_attribute', key: 'seats', op: 'equals', value: 12 }, true],
    ['missing contact attribute is empty', { field: 'contact_attribute', key: 'nope', op: 'is_empty' }, true],
    ['language in', { field: 'language', op: 'in', value: ['zh-cn', 'zh-tw'] }, true],
    ['custom field matches', { field: 'custom_field', key: 'orderId', op: 'matches', value: '^A-\\d+$' }, true],
    ['last message by contact', { field: 'last_message_by', op: 'equals', value: 'contact' }, true],
    ['changed contains', { field: 'changed', op: 'contains', value: 'labels' }, true],
    ['changed contains another field', { field: 'changed', op: 'contains', value: 'status' }, false],
    ['created at least 60 min ago', { field: 'minutes_since_created', op: 'gte', value: 60 }, true],
    ['created at least 120 min ago', { field: 'minutes_since_created', op: 'gte', value: 120 }, false],
    ['active within 15 min', { field: 'minutes_since_activity', op: 'lte', value: 15 }, true],
    ['inside business hours at noon', { field: 'business_hours', op: 'inside', value: 1 }, true],
    ['outside business hours at noon', { field: 'business_hours', op: 'outside', value: 1 }, false],
    ['outside a closed calendar', { field: 'business_hours', op: 'outside', value: 2 }, true],
  ])('%s', (_name, condition, expected) => {
    expect(one(condition)).toBe(expected);
  });

  it.each<[string, Conditions, boolean]>([
    ['no conditions match everything', {}, true],
    ['all must all hold', { all: [{ field: 'status', op: 'equals', value: 'open' }, { field: 'priority', op: 'equals', value: 'high' }] }, false],
    ['any needs one', { any: [{ field: 'priority', op: 'equals', value: 'high' }, { field: 'channel', op: 'equals', value: 'email' }] }, true],
    ['any with none true', { any: [{ field: 'priority', op: 'equals', value: 'high' }, { field: 'channel', op: 'equals', value: 'widget' }] }, false],
    ['all and any together', { all: [{ field: 'status', op: 'equals', value: 'open' }], any: [{ field: 'labels', op: 'contains', value: 'vip' }] }, true],
  ])('%s', (_name, conditions, expected) => {
    expect(matches(compileConditions(conditions), facts, { now: NOW, hours })).toBe(expected);
  });

  it.each<[string, Conditions, string]>([
    ['an invalid regex', { all: [{ field: 'subject', op: 'matches', value: '(unclosed' }] }, 'conditions.all[0].value'],
    ['an op that does not fit the field', { any: [{ field: 'labels', op: 'matches', value: 'x' }] }, 'conditions.any[0].op'],
    ['in without a list', { all: [{ field: 'status', op: 'equals', value: 'open' }, { field: 'channel', op: 'in', value: 'email' }] }, 'conditions.all[1].value'],
    ['a custom field without its key', { all: [{ field: 'custom_field', op: 'is_set' }] }, 'conditions.all[0].key'],
    ['minutes that are not a number', { all: [{ field: 'minutes_since_created', op: 'gte', value: 'soon' }] }, 'conditions.all[0].value'],
  ])('refuses %s, naming the field', (_name, conditions, field) => {
    expect(() => compileConditions(conditions)).toThrow(expect.objectContaining({ status: 400, details: { field } }));
  });
});
