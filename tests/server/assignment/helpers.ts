import { intake } from '../../../server/intake/intake.js';
import type { InboundMessage } from '../../../server/intake/types.js';
import { assignerOf } from '../../../server/modules/assignment/assigner.js';
import type { AssignmentPatch } from '../../../server/modules/assignment/settings.js';
import type { TestApp } from '../../helpers/app.js';

let seq = 0;

/** A chat (widget) or an email from a new or given visitor. */
export function inbound(kind: 'widget' | 'email', from?: string, extra: Partial<InboundMessage> = {}): InboundMessage {
  seq++;
  const who = from ?? `visitor-${seq}-${Math.random().toString(36).slice(2)}`;
  return kind === 'widget'
    ? {
        channel: { kind: 'widget', name: 'site' },
        sender: { identity: { kind: 'widget', value: who } },
        thread: { key: `conv-${who}-${seq}` },
        text: `chat ${seq}`,
        idempotencyKey: `chat-${seq}-${who}`,
        ...extra,
      }
    : {
        channel: { kind: 'email', name: 'support' },
        sender: { identity: { kind: 'email', value: `${who}@example.com` } },
        subject: `mail ${seq}`,
        text: `mail ${seq}`,
        idempotencyKey: `<m-${seq}-${who}@example.com>`,
        ...extra,
      };
}

/** Sends a message through intake and waits for the assignment it set off. */
export async function arrive(t: TestApp, msg: InboundMessage): Promise<number> {
  const r = await intake(t.ctx, msg);
  await assignerOf(t.ctx).idle();
  return r.ticketId;
}

export async function setDefault(t: TestApp, assignment: AssignmentPatch): Promise<void> {
  const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/assignment/default', headers: t.admin.headers, payload: { assignment } });
  if (res.statusCode !== 200) throw new Error(`settings: ${res.statusCode} ${res.body}`);
  await assignerOf(t.ctx).idle();
}

export async function assigneeOf(t: TestApp, ticketId: number): Promise<number | null> {
  const row = await t.ctx.db.selectFrom('tickets').select('assignee_id').where('id', '=', ticketId).executeTakeFirstOrThrow();
  return row.assignee_id;
}

/** Marks an agent online or away the way the agent websocket hub does. */
export function setPresence(t: TestApp, agentId: number, presence: 'online' | 'away' | 'offline'): void {
  if (t.ctx.presence.set(agentId, presence)) t.ctx.bus.emit({ type: 'agent.presence', agentId, presence, actor: { kind: 'agent', id: agentId } });
}
