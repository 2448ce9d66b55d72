import type { DbOrTx } from '../../db/database.js';
import { now } from '../../db/database.js';
import type { Actor } from '../../realtime/bus.js';

export interface AuditEntry {
  actor: Actor;
  /** resource.verb, e.g. 'ticket.updated' */
  action: string;
  entityKind: string;
  entityId: number | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

const actorId = (actor: Actor): number | null => (actor.kind === 'agent' || actor.kind === 'contact' ? actor.id : null);

/** Written inside the caller's transaction, so a change and its audit line commit or roll back together. */
export async function recordAudit(db: DbOrTx, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_kind: entry.actor.kind,
      actor_id: actorId(entry.actor),
      action: entry.action,
      entity_kind: entry.entityKind,
      entity_id: entry.entityId,
      before: entry.before ? JSON.stringify(entry.before) : null,
      after: entry.after ? JSON.stringify(entry.after) : null,
      created_at: now(),
    })
    .execute();
}

/** Only the fields that differ, as parallel before/after objects. */
export function diffFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { before: Record<string, unknown>; after: Record<string, unknown> } | null {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key] ?? null;
      a[key] = after[key] ?? null;
    }
  }
  return Object.keys(a).length > 0 ? { before: b, after: a } : null;
}
