import type { Generated } from 'kysely';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface OutboxTable {
  id: Generated<number>;
  message_id: number | null;
  /** which registered sender delivers it: a channel kind ('email', 'widget') or another sender */
  kind: string;
  channel_name: string | null;
  /** JSON given to the sender */
  payload: Generated<string>;
  status: OutboxStatus;
  attempts: Generated<number>;
  next_attempt_at: number;
  /** a worker holds the row until then; a crashed worker's rows come back after it */
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface OutboxTables {
  outbox: OutboxTable;
}
