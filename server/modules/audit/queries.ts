import type { Selectable } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import type { AuditLogTable } from './tables.js';

export type AuditRow = Selectable<AuditLogTable>;

export const auditFor = (db: DbOrTx, entityKind: string, entityId: number): Promise<AuditRow[]> =>
  db
    .selectFrom('audit_log')
    .selectAll()
    .where('entity_kind', '=', entityKind)
    .where('entity_id', '=', entityId)
    .orderBy('id')
    .execute();
