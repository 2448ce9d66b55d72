import type { Generated } from 'kysely';

export interface RulesTable {
  id: Generated<number>;
  name: string;
  /** a RuleEvent */
  event: string;
  /** JSON: { all?: Condition[], any?: Condition[] } */
  conditions: string;
  /** JSON: Action[] */
  actions: string;
  enabled: Generated<number>;
  stop_processing: Generated<number>;
  /** run order, ascending */
  position: number;
  /** bumped on every save; a save naming an older version is refused */
  version: Generated<number>;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface RuleTimeFiresTable {
  rule_id: number;
  ticket_id: number;
  anchor: number;
  fired_at: number;
}

export interface RuleAutoRepliesTable {
  id: Generated<number>;
  contact_id: number;
  rule_id: number;
  sent_at: number;
}

export interface RuleTables {
  rules: RulesTable;
  rule_time_fires: RuleTimeFiresTable;
  rule_auto_replies: RuleAutoRepliesTable;
}
