import type { AccountTables } from '../modules/agents/tables.js';

/**
 * Every table Kysely knows. Each module declares its own tables next to its code;
 * this interface only joins them.
 */
export interface Tables extends AccountTables {}
