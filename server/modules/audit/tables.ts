import type { Generated } from 'kysely';

export interface AuditLogTable {
  id: Generated<number>;
  /** 'agent' | 'contact' | 'system' | 'automation' */
  actor_kind: string;
  actor_id: number | null;
  /** resource.verb, e.g. 'ticket.updated' */
  action: string;
  entity_kind: string;
  entity_id: number | null;
  /** JSON of the changed fields before and after, or null */
  before: string | null;
  after: string | null;
  created_at: number;
}

export interface AuditTables {
  audit_log: AuditLogTable;
}
