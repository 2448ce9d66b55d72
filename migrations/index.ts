import type { Migration } from 'kysely';
import * as m0001 from './0001-accounts.js';

/**
 * Every migration, in order. Registered explicitly so a bundled or compiled build
 * never depends on reading the folder at run time.
 */
export const migrations: Record<string, Migration> = {
  '0001-accounts': m0001,
};
