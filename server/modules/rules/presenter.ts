import type { Selectable } from 'kysely';
import { iso } from '../tickets/presenter.js';
import type { Action, Conditions, RuleEvent, RuleView } from './schemas.js';
import type { RulesTable } from './tables.js';

export type RuleRow = Selectable<RulesTable>;

/** Rows are written only through the service, which validated them. */
export const conditionsOf = (row: RuleRow): Conditions => JSON.parse(row.conditions) as Conditions;
export const actionsOf = (row: RuleRow): Action[] => JSON.parse(row.actions) as Action[];

export function presentRule(row: RuleRow, broken: string | null): RuleView {
  return {
    id: row.id,
    name: row.name,
    event: row.event as RuleEvent,
    conditions: conditionsOf(row),
    actions: actionsOf(row),
    enabled: row.enabled === 1,
    stopProcessing: row.stop_processing === 1,
    position: row.position,
    version: row.version,
    broken,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
