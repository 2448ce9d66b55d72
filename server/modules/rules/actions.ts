import type { AppContext } from '../../context.js';
import type { Tx } from '../../db/database.js';
import { enqueue } from '../../outbox/queue.js';
import type { Actor, RuleChain } from '../../realtime/bus.js';
import type { KefuEvent } from '../../realtime/events.js';
import { recordAudit } from '../audit/service.js';
import { findContact } from '../contacts/queries.js';
import { appendMessage } from '../tickets/messages.js';
import type { TicketPatch } from '../tickets/patch.js';
import { applyTicketPatch } from '../tickets/patch.js';
import { presentMessages, presentOneTicket } from '../tickets/presenter.js';
import type { TicketRow } from '../tickets/queries.js';
import { canSend } from '../tickets/reply-channel.js';
import type { PlainEmailPayload } from '../../channels/email/payloads.js';
import type { Action } from './schemas.js';
import { WEBHOOK_KIND, webhookPayload } from './webhook.js';

export interface RuleRef {
  id: number;
  name: string;
  actions: Action[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The field changes of a rule's actions as one ticket patch, so they land in one update and one audit line. */
export function patchOf(actions: Action[], at: number): TicketPatch {
  const patch: TicketPatch = {};
  for (const a of actions) {
    switch (a.type) {
      case 'assign_agent':
        patch.assigneeId = a.agentId;
        break;
      case 'assign_team':
        patch.teamId = a.teamId;
        break;
      case 'set_status':
        patch.status = a.status;
        break;
      case 'set_priority':
        patch.priority = a.priority;
        break;
      case 'add_labels':
        patch.addLabels = [...(patch.addLabels ?? []), ...a.labels];
        break;
      case 'remove_labels':
        patch.removeLabels = [...(patch.removeLabels ?? []), ...a.labels];
        break;
      case 'set_custom_fields':
        patch.customFields = { ...patch.customFields, ...a.fields };
        break;
      case 'snooze':
        patch.snoozedUntil = at + a.minutes * 60_000;
        patch.status = undefined;
        break;
      case 'close_spam':
        patch.status = 'closed';
        patch.customFields = { ...patch.customFields, spam: true };
        break;
      default:
        break;
    }
  }
  return patch;
}

/** How the dry run and the audit log say what an action does. */
export function describeAction(a: Action): string {
  switch (a.type) {
    case 'assign_agent':
      return a.agentId === null ? 'unassign the agent' : `assign to agent ${a.agentId}`;
    case 'assign_team':
      return a.teamId === null ? 'remove the team' : `assign to team ${a.teamId}`;
    case 'run_assignment':
      return 'run automatic assignment';
    case 'set_status':
      return `set status ${a.status}`;
    case 'set_priority':
      return `set priority ${a.priority}`;
    case 'add_labels':
      return `add labels ${a.labels.join(', ')}`;
    case 'remove_labels':
      return `remove labels ${a.labels.join(', ')}`;
    case 'set_custom_fields':
      return `set custom fields ${Object.keys(a.fields).join(', ')}`;
    case 'snooze':
      return `snooze for ${a.minutes} minutes`;
    case 'add_note':
      return 'add an internal note';
    case 'auto_reply':
      return 'send an automatic reply';
    case 'email_agents':
      return a.teamId !== undefined ? `email team ${a.teamId}` : `email agent ${a.agentId ?? '?'}`;
    case 'webhook':
      return `call the webhook ${new URL(a.url).host}`;
    case 'close_spam':
      return 'close as spam';
  }
}

export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{\s*([a-z.]+)\s*\}\}/gi, (whole, key: string) => values[key] ?? whole);
}

async function templateValues(tx: Tx, ticket: TicketRow): Promise<Record<string, string>> {
  const contact = await findContact(tx, ticket.contact_id);
  return { 'contact.name': contact?.name ?? '', 'ticket.number': String(ticket.number), 'ticket.subject': ticket.subject };
}

export const ruleAuthor = (rule: RuleRef) => ({ kind: 'system' as const, id: null, name: `Rule ‘${rule.name}’` });

interface MessageWrite {
  ticket: TicketRow;
  events: KefuEvent[];
  queued: boolean;
}

async function addMessage(
  tx: Tx,
  ticket: TicketRow,
  rule: RuleRef,
  actor: Actor,
  kind: 'note' | 'outbound',
  text: string,
  at: number,
): Promise<MessageWrite> {
  const appended = await appendMessage(tx, ticket, {
    kind,
    author: ruleAuthor(rule),
    text,
    channel: { kind: ticket.channel_kind, name: ticket.channel_name },
    delivery: kind === 'outbound' ? 'queued' : null,
    meta: { ruleId: rule.id },
    createdAt: at,
  });
  if (kind === 'outbound') {
    await enqueue(tx, { kind: ticket.channel_kind, channelName: ticket.channel_name, messageId: appended.message.id, payload: { ticketId: ticket.id } });
  }
  const [view] = await presentMessages(tx, [appended.message]);
  const ticketView = await presentOneTicket(tx, appended.ticket, null);
  const scope = { ticketId: ticket.id, assigneeId: appended.ticket.assignee_id, teamId: appended.ticket.team_id };
  const events: KefuEvent[] = view ? [{ type: 'message.created', actor, ...scope, message: view, ticket: ticketView, mentions: [] }] : [];
  return { ticket: appended.ticket, events, queued: kind === 'outbound' };
}

/**
 * An auto-reply goes out on the ticket's own channel through the outbox, never in answer to an
 * automatic message (no mail loops between two robots), and at most `maxPerContactPerDay` a contact.
 */
async function autoReply(
  ctx: AppContext,
  tx: Tx,
  ticket: TicketRow,
  rule: RuleRef,
  actor: Actor,
  a: Extract<Action, { type: 'auto_reply' }>,
  at: number,
  autoSubmitted: boolean,
): Promise<MessageWrite | null> {
  if (autoSubmitted || !canSend(ctx.config, { kind: ticket.channel_kind, name: ticket.channel_name })) return null;
  const sent = await tx
    .selectFrom('rule_auto_replies')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('contact_id', '=', ticket.contact_id)
    .where('sent_at', '>', at - DAY_MS)
    .executeTakeFirstOrThrow();
  if (Number(sent.n) >= (a.maxPerContactPerDay ?? 3)) return null;
  const text = fillTemplate(a.text, await templateValues(tx, ticket));
  await tx.insertInto('rule_auto_replies').values({ contact_id: ticket.contact_id, rule_id: rule.id, sent_at: at }).execute();
  return addMessage(tx, ticket, rule, actor, 'outbound', text, at);
}

/** The mailbox agents hear from: the one marked for agent notifications, else the first that can send. */
function notifyingMailbox(ctx: AppContext): string | null {
  const boxes = ctx.config.channels.email.filter((c) => c.smtp);
  return (boxes.find((c) => c.agent_notifications) ?? boxes[0])?.name ?? null;
}

/** Mail to an agent or a team's members, through the outbox, marked auto-generated so nothing auto-answers it. */
async function emailAgents(ctx: AppContext, tx: Tx, ticket: TicketRow, a: Extract<Action, { type: 'email_agents' }>, values: Record<string, string>): Promise<boolean> {
  const mailbox = notifyingMailbox(ctx);
  if (!mailbox) return false;
  let q = tx.selectFrom('agents').select('email').where('active', '=', 1);
  if (a.teamId !== undefined) q = q.where('id', 'in', (eb) => eb.selectFrom('team_members').select('agent_id').where('team_id', '=', a.teamId ?? 0));
  else q = q.where('id', '=', a.agentId ?? 0);
  const link = `${ctx.config.server.public_url}/tickets/${ticket.id}`;
  const rows = await q.execute();
  for (const { email } of rows) {
    const payload: PlainEmailPayload = { type: 'plain', to: email, subject: fillTemplate(a.subject, values), text: `${fillTemplate(a.text, values)}\n\n${link}\n`, autoSubmitted: 'auto-generated' };
    await enqueue(tx, { kind: 'email', channelName: mailbox, payload: { ...payload } });
  }
  return rows.length > 0;
}

export interface ApplyOptions {
  chain: RuleChain;
  at: number;
  autoSubmitted: boolean;
}

export interface Applied {
  events: KefuEvent[];
  queued: boolean;
  /** hand the ticket to automatic assignment once committed (it takes its own transaction and lock) */
  runAssignment: boolean;
}

/**
 * Runs one rule's actions on one ticket inside the caller's transaction. Changes carry the rule as
 * actor (with the chain so far) and are audited as such; returns what to do after commit.
 */
export async function applyActions(ctx: AppContext, tx: Tx, ticket: TicketRow, rule: RuleRef, opts: ApplyOptions): Promise<Applied> {
  const actor: Actor = {
    kind: 'automation',
    rule: rule.name,
    ruleId: rule.id,
    // The same list, not a copy: every event of the chain sees every rule that fired in it.
    chain: { depth: opts.chain.depth + 1, ruleIds: opts.chain.ruleIds },
  };
  const events: KefuEvent[] = [];
  let queued = false;
  let current = ticket;
  const patch = patchOf(rule.actions, opts.at);
  if (Object.keys(patch).some((k) => patch[k as keyof TicketPatch] !== undefined)) {
    const result = await applyTicketPatch(tx, current, patch, actor, opts.at);
    current = result.ticket;
    events.push(...result.events);
  }
  const values = await templateValues(tx, current);
  for (const a of rule.actions) {
    if (a.type === 'email_agents') queued = (await emailAgents(ctx, tx, current, a, values)) || queued;
    if (a.type === 'webhook') {
      await enqueue(tx, { kind: WEBHOOK_KIND, payload: webhookPayload(a.url, rule, current, opts.at) });
      queued = true;
    }
    let write: MessageWrite | null = null;
    if (a.type === 'add_note') write = await addMessage(tx, current, rule, actor, 'note', a.text, opts.at);
    if (a.type === 'auto_reply') write = await autoReply(ctx, tx, current, rule, actor, a, opts.at, opts.autoSubmitted);
    if (write) {
      current = write.ticket;
      events.push(...write.events);
      queued ||= write.queued;
    }
  }
  await recordAudit(tx, {
    actor,
    action: 'rule.applied',
    entityKind: 'ticket',
    entityId: ticket.id,
    after: { rule: rule.name, ruleId: rule.id, actions: rule.actions.map(describeAction), types: rule.actions.map((a) => a.type) },
  });
  return { events, queued, runAssignment: rule.actions.some((a) => a.type === 'run_assignment') };
}
