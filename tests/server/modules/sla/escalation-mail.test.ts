import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../../../../server/modules/agents/service.js';
import { sweepSla } from '../../../../server/modules/sla/escalation.js';
import type { SlaPolicyView } from '../../../../server/modules/sla/policy-types.js';
import type { Session } from '../../../helpers/app.js';
import { startMailDesk, type MailDesk } from '../../../helpers/mail-desk.js';
import type { CapturedMail } from '../../../helpers/smtp-sink.js';
import { as, inboundTicket } from '../../tickets/fixtures.js';

const MIN = 60_000;
let desk: MailDesk;
let watcher: Session;
let assignee: Session;

async function agentIn(language: 'en' | 'zh-CN' | 'zh-TW', email: string): Promise<Session> {
  await createAgent(desk.t.ctx, { email, name: email.split('@')[0]!, role: 'agent', password: 'correct horse battery', language });
  return desk.t.login(email);
}

/** Runs the outbox until nothing is left to send: whatever reached the sink is all that ever will. */
async function settleOutbox(): Promise<CapturedMail[]> {
  for (let i = 0; i < 20; i++) {
    await desk.t.ctx.db.updateTable('outbox').set({ next_attempt_at: 0 }).where('status', '=', 'pending').execute();
    if ((await desk.t.ctx.outbox.runOnce()) === 0) break;
  }
  const pending = await desk.t.ctx.db.selectFrom('outbox').select('id').where('status', '=', 'pending').execute();
  expect(pending).toEqual([]);
  return desk.sink.messages.slice();
}

const parsed = async (m: CapturedMail) => {
  const mail = await simpleParser(m.raw);
  return { to: m.to, subject: mail.subject ?? '', text: mail.text ?? '', autoSubmitted: mail.headers.get('auto-submitted') };
};

beforeAll(async () => {
  desk = await startMailDesk([{ name: 'support', address: 'support@example.com', agent_notifications: true }]);
  watcher = await agentIn('zh-CN', 'watcher@example.test');
  assignee = await agentIn('en', 'assignee@example.test');
  const res = await as(desk.t, desk.t.admin).post<{ slaPolicy: SlaPolicyView }>('/sla-policies', {
    name: 'Mailed',
    conditions: { all: [] },
    targets: { firstResponseMinutes: 30 },
    warning: { minutes: 10 },
    escalation: {
      warning: [{ type: 'notify', to: 'agents', agentIds: [watcher.agentId], email: true }],
      breach: [
        { type: 'notify', to: 'assignee', email: true },
        // In-app only: the admin gets no mail for this one.
        { type: 'notify', to: 'agents', agentIds: [desk.t.admin.agentId] },
      ],
    },
  });
  expect(res.status).toBe(201);
});
afterAll(async () => desk?.close());

describe('escalation and reminder email', () => {
  it('mails each warning and breach exactly once, in the agent’s language, even when two sweeps overlap', async () => {
    const { ticketId, number } = await inboundTicket(desk.t);
    await as(desk.t, desk.t.admin).patch(`/tickets/${ticketId}`, { assigneeId: assignee.agentId });
    const start = (await desk.t.ctx.db.selectFrom('tickets').select('created_at').where('id', '=', ticketId).executeTakeFirstOrThrow()).created_at;

    await Promise.all([sweepSla(desk.t.ctx, start + 21 * MIN), sweepSla(desk.t.ctx, start + 21 * MIN)]);
    await Promise.all([sweepSla(desk.t.ctx, start + 31 * MIN), sweepSla(desk.t.ctx, start + 31 * MIN)]);
    await sweepSla(desk.t.ctx, start + 90 * MIN);

    // Both were due when the outbox ran, so it may send them in either order.
    const mails = await Promise.all((await settleOutbox()).map(parsed));
    expect(mails.map((m) => m.to).sort()).toEqual([['assignee@example.test'], ['watcher@example.test']]);
    const warning = mails.find((m) => m.to[0] === 'watcher@example.test');
    const breach = mails.find((m) => m.to[0] === 'assignee@example.test');
    expect(warning!.subject).toMatch(new RegExp(`^SLA 即将超时：#${number} `));
    expect(warning!.text).toContain('首次响应');
    expect(warning!.text).toContain(`/tickets/${ticketId}`);
    expect(breach!.subject).toMatch(new RegExp(`^SLA breached: #${number} `));
    expect(breach!.text).toContain('first response');
    expect(warning!.autoSubmitted).toBe('auto-generated');
    // The admin was told in the app only.
    const adminNotes = await desk.t.ctx.db.selectFrom('agent_notifications').select('kind').where('agent_id', '=', desk.t.admin.agentId).where('ticket_id', '=', ticketId).execute();
    expect(adminNotes).toEqual([{ kind: 'sla.breach' }]);
  });

  it('mails a reminder that asked for email once, and one that did not never', async () => {
    const { ticketId, number } = await inboundTicket(desk.t);
    const at = Date.now() + 3_600_000;
    // The ticket's own SLA warning mail goes out first, so what follows is the reminders' alone.
    await sweepSla(desk.t.ctx, at);
    const before = (await settleOutbox()).length;
    const api = as(desk.t, watcher);
    expect((await api.post(`/tickets/${ticketId}/reminders`, { at: new Date(at).toISOString(), note: '回电话', email: true })).status).toBe(201);
    expect((await api.post(`/tickets/${ticketId}/reminders`, { at: new Date(at).toISOString(), note: 'in-app only' })).status).toBe(201);
    const [a, b] = await Promise.all([sweepSla(desk.t.ctx, at), sweepSla(desk.t.ctx, at)]);
    expect((a.reminders ?? 0) + (b.reminders ?? 0)).toBe(2);

    const mails = await Promise.all((await settleOutbox()).slice(before).map(parsed));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['watcher@example.test']);
    expect(mails[0]!.subject).toMatch(new RegExp(`^提醒：#${number} `));
    expect(mails[0]!.text).toContain('回电话');
  });
});
