export interface IdempotencyKeysTable {
  agent_id: number;
  key: string;
  /** sha256 of the route, its parameters and the canonical body */
  request_hash: string;
  /** null while the first request is still being handled */
  status_code: number | null;
  response: string | null;
  created_at: number;
}

export interface IdempotencyTables {
  idempotency_keys: IdempotencyKeysTable;
}
