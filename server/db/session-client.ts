import pg from 'pg';
import type { PostgresDatabase } from './postgres.js';

/**
 * A connection of its own, outside the pool, for what lives as long as a session: advisory locks
 * held while this process leads, LISTEN. Same settings as the pool (URL, type parsers); keepalive
 * so a peer that vanished is noticed by the kernel rather than never.
 */
export function sessionClient(database: PostgresDatabase): pg.Client {
  const client = new pg.Client({ ...database.pool.options, keepAlive: true });
  // Unhandled, a dropped connection's error would end the process; owners watch 'end' instead.
  client.on('error', () => undefined);
  return client;
}
