import type { RebuildCounts } from './search-index.js';
import type { TicketTextQueries } from './text-queries.js';

/** What the rest of the server needs from the search index, on either driver. */
export interface FullTextIndex {
  /** The search endpoints' lookups in this index. */
  readonly queries: TicketTextQueries;
  /** Starts keeping the index up to date in the background; resolves whether that runs. */
  start(): Promise<boolean>;
  /** Resolves once everything committed before the call is searchable, or after maxWaitMs. */
  caughtUp(maxWaitMs?: number): Promise<boolean>;
  /** Rows written that searches cannot find yet (a gauge in /metrics). */
  backlog(): number;
  /** Empties the index and builds it again from the tables. */
  rebuild(): Promise<RebuildCounts>;
  close(): Promise<void>;
}
