import type { DbOrTx } from '../../db/database.js';
import { BadRequest } from '../../http/errors.js';
import { checkFreeForm } from '../../http/free-form.js';
import type { Actor } from '../../realtime/bus.js';
import type { KefuEvent } from '../../realtime/events.js';
import { diffFields, recordAudit } from '../audit/service.js';
import { mergeAttributes } from '../contacts/service.js';
import { parseJsonObject } from './json.js';
import { secondsBetween } from './metrics.js';
import { presentOneTicket } from './presenter.js';
import { labelNamesOf, updateTicketRow, type TicketChanges, type TicketRow } from './queries.js';
import type { TicketPriority, TicketStatus } from './tables.js';

/** A change to one ticket, from PATCH /tickets/:id or one row of a bulk update. */
export interface TicketPatch {
  status?: TicketStatus | undefined;
  priority?: TicketPriority | undefined;
  assigneeId?: number | null | undefined;
  teamId?: number | null | undefined;
  /** The whole set; addLabels/removeLabels change it instead. */
  labels?: string[] | undefined;
  addLabels?: string[] | undefined;
  removeLabels?: string[] | undefined;
  /** Merged into the current fields; a null value removes a field. */
  customFields?: Record<string, unknown> | undefined;
  /** ms since epoch; a time sets status snoozed, null wakes it. */
  snoozedUntil?: number | null | undefined;
  subject?: string | undefined;
}

const bad = (field: string, message: string): BadRequest => new BadRequest(`${field}: ${message}`, { field });

async function checkAssignee(db: DbOrTx, id: number): Promise<void> {
  const agent = await db.selectFrom('agents').select(['id', 'active']).where('id', '=', id).executeTakeFirst();
  if (!agent || agent.active !== 1) throw bad('assigneeId', `no active agent ${id}`);
}

async function checkTeam(db: DbOrTx, id: number): Promise<void> {
  const team = await db.selectFrom('teams').select('id').where('id', '=', id).executeTakeFirst();
  if (!team) throw bad('teamId', `no team ${id}`);
}

/** Label names to ids; an unknown name is a 400 (labels are made in settings, not by typos). */
async function labelIds(db: DbOrTx, names: string[], field: string): Promise<Map<string, number>> {
  const wanted = [...new Set(names.map((n) => n.trim()).filter((n) => n !== ''))];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('labels').select(['id', 'name']).execute();
  const byLower = new Map(rows.map((r) => [r.name.toLowerCase(), r]));
  const out = new Map<string, number>();
  for (const name of wanted) {
    const row = byLower.get(name.toLowerCase());
    if (!row) throw bad(field, `no label "${name}"`);
    out.set(row.name, row.id);
  }
  return out;
}

function statusChanges(ticket: TicketRow, patch: TicketPatch, actor: Actor, at: number): TicketChanges {
  let status = patch.status ?? ticket.status;
  let snoozedUntil = patch.snoozedUntil !== undefined ? patch.snoozedUntil : ticket.snoozed_until;
  if (patch.snoozedUntil !== undefined && patch.snoozedUntil !== null && patch.status === undefined) status = 'snoozed';
  if (patch.snoozedUntil === null && patch.status === undefined && ticket.status === 'snoozed') status = 'open';
  if (status === 'snoozed') {
    if (snoozedUntil === null) throw bad('snoozedUntil', 'a snoozed ticket needs a time to wake up');
    if (snoozedUntil <= at) throw bad('snoozedUntil', 'must be in the future');
  } else snoozedUntil = null;
  const changes: TicketChanges = {};
  if (status !== ticket.status) {
    changes.status = status;
    if (status === 'resolved' || status === 'closed') {
      changes.resolved_at = ticket.resolved_at ?? at;
      if (ticket.resolved_at === null) Object.assign(changes, resolutionMetrics(ticket, actor, at));
    } else {
      changes.resolved_at = null;
      if (ticket.status === 'resolved' || ticket.status === 'closed') {
        changes.reopen_count = ticket.reopen_count + 1;
        changes.last_reopened_at = at;
      }
    }
  }
  if (snoozedUntil !== ticket.snoozed_until) changes.snoozed_until = snoozedUntil;
  return changes;
}

/** Report metrics of a resolution: the latest one counts; a resolved ticket no longer waits for a reply. */
const resolutionMetrics = (ticket: TicketRow, actor: Actor, at: number): TicketChanges => ({
  resolution_seconds: secondsBetween(ticket.created_at, at),
  resolved_by_id: actor.kind === 'agent' ? actor.id : ticket.assignee_id,
  awaiting_since: null,
});

const snapshot = (row: TicketRow, labels: string[]): Record<string, unknown> => ({
  status: row.status,
  priority: row.priority,
  assigneeId: row.assignee_id,
  teamId: row.team_id,
  labels,
  customFields: parseJsonObject(row.custom_fields),
  snoozedUntil: row.snoozed_until,
  subject: row.subject,
});

export interface PatchResult {
  ticket: TicketRow;
  /** camelCase fields that changed; empty when the patch changed nothing */
  changes: string[];
  events: KefuEvent[];
}

/**
 * Applies a patch to one ticket inside the caller's transaction: reads the current row, writes only
 * the fields that change (so concurrent patches of different fields never undo each other), records
 * an audit line and returns the event to emit after commit.
 */
export async function applyTicketPatch(
  tx: DbOrTx,
  ticket: TicketRow,
  patch: TicketPatch,
  actor: Actor,
  at: number,
): Promise<PatchResult> {
  if (patch.assigneeId != null && patch.assigneeId !== ticket.assignee_id) await checkAssignee(tx, patch.assigneeId);
  if (patch.teamId != null && patch.teamId !== ticket.team_id) await checkTeam(tx, patch.teamId);
  const changes: TicketChanges = statusChanges(ticket, patch, actor, at);
  if (patch.priority !== undefined && patch.priority !== ticket.priority) changes.priority = patch.priority;
  if (patch.assigneeId !== undefined && patch.assigneeId !== ticket.assignee_id) changes.assignee_id = patch.assigneeId;
  if (patch.teamId !== undefined && patch.teamId !== ticket.team_id) changes.team_id = patch.teamId;
  if (patch.subject !== undefined) {
    const subject = patch.subject.replace(/\s+/g, ' ').trim();
    if (subject === '') throw bad('subject', 'must not be empty');
    if (subject !== ticket.subject) changes.subject = subject.slice(0, 250);
  }
  if (patch.customFields !== undefined) {
    checkFreeForm('customFields', patch.customFields);
    const next = JSON.stringify(mergeAttributes(parseJsonObject(ticket.custom_fields), patch.customFields));
    if (next !== ticket.custom_fields) changes.custom_fields = next;
  }

  const labelsBefore = (await labelNamesOf(tx, [ticket.id])).get(ticket.id) ?? [];
  await applyLabels(tx, ticket.id, patch);
  const labelsAfter =
    patch.labels !== undefined || patch.addLabels !== undefined || patch.removeLabels !== undefined
      ? ((await labelNamesOf(tx, [ticket.id])).get(ticket.id) ?? [])
      : labelsBefore;

  const labelsChanged = labelsAfter.join('\n') !== labelsBefore.join('\n');
  if (Object.keys(changes).length === 0 && !labelsChanged) return { ticket, changes: [], events: [] };
  const updated = await updateTicketRow(tx, ticket.id, { ...changes, updated_at: at });
  const diff = diffFields(snapshot(ticket, labelsBefore), snapshot(updated, labelsAfter));
  if (!diff) return { ticket: updated, changes: [], events: [] };
  await recordAudit(tx, { actor, action: 'ticket.updated', entityKind: 'ticket', entityId: ticket.id, ...diff });
  const changed = Object.keys(diff.after);
  const view = await presentOneTicket(tx, updated, null);
  return {
    ticket: updated,
    changes: changed,
    events: [
      {
        type: 'ticket.updated',
        actor,
        ticketId: updated.id,
        assigneeId: updated.assignee_id,
        teamId: updated.team_id,
        ticket: view,
        changes: changed,
        previous: { assigneeId: ticket.assignee_id, teamId: ticket.team_id },
      },
    ],
  };
}

async function applyLabels(tx: DbOrTx, ticketId: number, patch: TicketPatch): Promise<void> {
  if (patch.labels !== undefined) {
    const ids = await labelIds(tx, patch.labels, 'labels');
    await tx.deleteFrom('ticket_labels').where('ticket_id', '=', ticketId).execute();
    await insertLabels(tx, ticketId, [...ids.values()]);
  }
  if (patch.addLabels !== undefined) {
    await insertLabels(tx, ticketId, [...(await labelIds(tx, patch.addLabels, 'addLabels')).values()]);
  }
  if (patch.removeLabels !== undefined) {
    const ids = [...(await labelIds(tx, patch.removeLabels, 'removeLabels')).values()];
    if (ids.length > 0) await tx.deleteFrom('ticket_labels').where('ticket_id', '=', ticketId).where('label_id', 'in', ids).execute();
  }
}

async function insertLabels(tx: DbOrTx, ticketId: number, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .insertInto('ticket_labels')
    .values(ids.map((label_id) => ({ ticket_id: ticketId, label_id })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}
