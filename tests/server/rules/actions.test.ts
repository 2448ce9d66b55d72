import { describe, expect, it } from 'vitest';
import { describeAction, fillTemplate, patchOf } from '../../../server/modules/rules/actions.js';
import type { Action } from '../../../server/modules/rules/schemas.js';

const AT = Date.UTC(2026, 0, 5, 12, 0, 0);

describe('rule actions as a ticket patch', () => {
  it.each<[string, Action[], Record<string, unknown>]>([
    ['assign an agent', [{ type: 'assign_agent', agentId: 7 }], { assigneeId: 7 }],
    ['unassign', [{ type: 'assign_agent', agentId: null }], { assigneeId: null }],
    ['assign a team', [{ type: 'assign_team', teamId: 3 }], { teamId: 3 }],
    ['set status and priority', [{ type: 'set_status', status: 'pending' }, { type: 'set_priority', priority: 'urgent' }], { status: 'pending', priority: 'urgent' }],
    ['labels add up across actions', [{ type: 'add_labels', labels: ['a'] }, { type: 'add_labels', labels: ['b'] }, { type: 'remove_labels', labels: ['c'] }], { addLabels: ['a', 'b'], removeLabels: ['c'] }],
    ['custom fields merge', [{ type: 'set_custom_fields', fields: { x: 1 } }, { type: 'set_custom_fields', fields: { y: 'z' } }], { customFields: { x: 1, y: 'z' } }],
    ['snooze is a wake-up time', [{ type: 'snooze', minutes: 90 }], { snoozedUntil: AT + 90 * 60_000 }],
    ['close as spam', [{ type: 'close_spam' }], { status: 'closed', customFields: { spam: true } }],
    ['notes and hooks change no field', [{ type: 'add_note', text: 'x' }, { type: 'webhook', url: 'https://h.example' }], {}],
    ['running assignment changes no field itself', [{ type: 'run_assignment' }], {}],
  ])('%s', (_name, actions, patch) => {
    const out = Object.fromEntries(Object.entries(patchOf(actions, AT)).filter(([, v]) => v !== undefined));
    expect(out).toEqual(patch);
  });

  it('fills the placeholders it knows and leaves the others', () => {
    expect(fillTemplate('Hi {{ contact.name }}, #{{ticket.number}} {{agent.name}}', { 'contact.name': 'Ann', 'ticket.number': '1042' })).toBe('Hi Ann, #1042 {{agent.name}}');
  });

  it('describes each action for the dry run', () => {
    expect(describeAction({ type: 'add_labels', labels: ['refund', 'vip'] })).toBe('add labels refund, vip');
    expect(describeAction({ type: 'webhook', url: 'https://hooks.example.com/x' })).toBe('call the webhook hooks.example.com');
    expect(describeAction({ type: 'email_agents', teamId: 3, subject: 's', text: 't' })).toBe('email team 3');
    expect(describeAction({ type: 'run_assignment' })).toBe('run automatic assignment');
  });
});
