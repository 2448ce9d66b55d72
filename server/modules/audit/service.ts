import type { Selectable } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { now } from '../../db/database.js';
import { prepared } from '../../db/prepared.js';
import type { Actor } from '../../realtime/bus.js';
import type { AuditLogTable } from './tables.js';

export interface AuditEntry {
  actor: Actor;
  /** resource.verb, e.g. 'ticket.updated' */
  action: string;
  entityKind: string;
  entityId: number | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

// A rule's changes name the rule, so the timeline and audit screen can say which one acted.
const actorId = (actor: Actor): number | null =>
  actor.kind === 'agent' || actor.kind === 'contact' ? actor.id : actor.kind === 'automation' ? (actor.ruleId ?? null) : null;

const insertAudit = prepared((db: DbOrTx, p: Omit<Selectable<AuditLogTable>, 'id'>) =>
  db.insertInto('audit_log').values({
    actor_kind: p.actor_kind,
    actor_id: p.actor_id,
    action: p.action,
    entity_kind: p.entity_kind,
    entity_id: p.entity_id,
    before: p.before,
    after: p.after,
    created_at: p.created_at,
  }),
);

/** Written inside the caller's transaction, so a change and its audit line commit or roll back together. */
export async function recordAudit(db: DbOrTx, entry: AuditEntry): Promise<void> {
  await insertAudit.execute(db, {
    actor_kind: entry.actor.kind,
    actor_id: actorId(entry.actor),
    action: entry.action,
    entity_kind: entry.entityKind,
    entity_id: entry.entityId,
    before: entry.before ? JSON.stringify(entry.before) : null,
    after: entry.after ? JSON.stringify(entry.after) : null,
    created_at: now(),
  });
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
