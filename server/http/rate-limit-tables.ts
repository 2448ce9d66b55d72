/** PostgreSQL only: limits shared by every process (see postgres-rate-limiter.ts). */
export interface RateLimitHitsTable {
  limiter: string;
  key: string;
  count: number;
  /** when the key's window ends, ms since the epoch */
  reset_at: number;
}

export interface RateLimitTables {
  rate_limit_hits: RateLimitHitsTable;
}
