import type { PostgresDatabase } from '../db/postgres.js';
import { PostgresListener } from '../db/postgres-listener.js';
import type { Logger } from '../logger.js';
import type { EventBus } from './bus.js';
import type { KefuEvent } from './events.js';
import { PostgresEventRelay } from './postgres-relay.js';

/**
 * The other processes serving the same PostgreSQL database: one LISTEN connection, the relay
 * of bus events to their websockets, and what the shared journal needs.
 */
export interface Peers {
  readonly database: PostgresDatabase;
  readonly listener: PostgresListener;
  readonly relay: PostgresEventRelay;
  close(): Promise<void>;
}

export async function startPeers(database: PostgresDatabase, bus: EventBus<KefuEvent>, logger: Logger): Promise<Peers> {
  const log = logger.child({ subsystem: 'peers' });
  const listener = new PostgresListener(database, log);
  const relay = new PostgresEventRelay(database, bus, listener, log);
  await listener.start();
  await relay.start();
  return {
    database,
    listener,
    relay,
    async close() {
      await relay.stop();
      await listener.close();
    },
  };
}
