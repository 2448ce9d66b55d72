import { randomUUID } from 'node:crypto';
import type { Presence } from '../modules/agents/tables.js';
import type { PostgresDatabase } from '../db/postgres.js';
import type { PostgresListener } from '../db/postgres-listener.js';
import type { Logger } from '../logger.js';
import type { EventBus } from './bus.js';
import type { KefuEvent } from './events.js';
import { bestPresence, type PresenceRegistry } from './presence.js';

const CHANNEL = 'kefu_presence';
/** Milliseconds since the epoch by the database's clock: every process's rows age on one clock. */
const DB_NOW = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

interface Seen {
  status: 'online' | 'away';
  /** by this process's clock */
  expiresAt: number;
}

/**
 * Presence shared by the processes serving one PostgreSQL database: each writes its agents' rows
 * in agent_presence (and says so with NOTIFY), refreshes them every third of the timeout, and
 * reads everyone's. A process killed outright stops refreshing; its rows count until the timeout,
 * then the others drop them. Reads stay in memory: what the other processes said, as heard.
 */
export class PostgresPresence implements PresenceRegistry {
  readonly process = randomUUID();
  readonly #mine = new Map<number, 'online' | 'away'>();
  /** the other processes' presence per agent, by process id */
  #others = new Map<number, Map<string, Seen>>();
  /** each agent's presence as this process's websocket subscribers last heard it */
  readonly #announced = new Map<number, Presence>();
  #writes: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(
    private readonly database: PostgresDatabase,
    private readonly listener: PostgresListener,
    private readonly bus: EventBus<KefuEvent>,
    private readonly logger: Logger,
    readonly timeoutMs: number,
  ) {}

  async start(): Promise<void> {
    await this.listener.listen(CHANNEL, (message) => this.#heard(message));
    // Notifications sent while the listen connection was down are lost: read the table again.
    this.listener.onReconnect(() => void this.#refresh());
    await this.#reload();
    this.#timer = setInterval(() => void this.#refresh(), Math.max(500, Math.floor(this.timeoutMs / 3)));
    this.#timer.unref();
  }

  get(agentId: number, at = Date.now()): Presence {
    let p: Presence = this.#mine.get(agentId) ?? 'offline';
    for (const seen of this.#others.get(agentId)?.values() ?? []) if (seen.expiresAt > at) p = bestPresence(p, seen.status);
    return p;
  }

  snapshot(): Record<string, 'online' | 'away'> {
    const out: Record<string, 'online' | 'away'> = {};
    const at = Date.now();
    for (const agentId of this.#agents()) {
      const p = this.get(agentId, at);
      if (p !== 'offline') out[String(agentId)] = p;
    }
    return out;
  }

  onlineCount(): number {
    const at = Date.now();
    let n = 0;
    for (const agentId of this.#agents()) if (this.get(agentId, at) === 'online') n++;
    return n;
  }

  set(agentId: number, presence: Presence): boolean {
    const before = this.#mine.get(agentId) ?? 'offline';
    if (before === presence) return false;
    if (presence === 'offline') this.#mine.delete(agentId);
    else this.#mine.set(agentId, presence);
    // The hub tells this process's sockets itself.
    const seen = this.get(agentId);
    if (seen === 'offline') this.#announced.delete(agentId);
    else this.#announced.set(agentId, seen);
    this.#write(
      presence === 'offline'
        ? {
            text: `with d as (delete from agent_presence where agent_id = $1 and process = $2) select pg_notify($3, $4)`,
            values: [agentId, this.process, CHANNEL, `${this.process}:${agentId}:offline`],
          }
        : {
            text: `with w as (
                     insert into agent_presence (agent_id, process, status, seen_at) values ($1, $2, $3, ${DB_NOW})
                     on conflict (agent_id, process) do update set status = excluded.status, seen_at = excluded.seen_at
                   ) select pg_notify($4, $5)`,
            values: [agentId, this.process, presence, CHANNEL, `${this.process}:${agentId}:${presence}`],
          },
    );
    return true;
  }

  /** Waits for this process's presence writes so far (tests, shutdown). */
  async idle(): Promise<void> {
    await this.#writes;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#writes;
    if (this.#mine.size === 0) return;
    const agents = [...this.#mine.keys()];
    this.#mine.clear();
    await this.database.pool
      .query(`with d as (delete from agent_presence where process = $1) select pg_notify($2, $3)`, [this.process, CHANNEL, `${this.process}:*:offline`])
      .catch((err: unknown) => this.logger.warn({ err, agents }, 'could not clear presence on shutdown'));
  }

  #agents(): Set<number> {
    return new Set([...this.#mine.keys(), ...this.#others.keys()]);
  }

  #write(query: { text: string; values: unknown[] }): void {
    this.#writes = this.#writes
      .then(() => this.database.pool.query(query))
      .then(
        () => undefined,
        (err: unknown) => this.logger.error({ err }, 'could not share a presence change'),
      );
  }

  /** `<process>:<agent id or *>:<presence>` from another process. */
  #heard(message: string): void {
    const [origin, agent, status] = message.split(':');
    if (!origin || origin === this.process || !agent || !status) return;
    if (agent === '*') {
      for (const byProcess of this.#others.values()) byProcess.delete(origin);
    } else {
      const agentId = Number(agent);
      let byProcess = this.#others.get(agentId);
      if (status === 'offline') byProcess?.delete(origin);
      else {
        if (!byProcess) this.#others.set(agentId, (byProcess = new Map()));
        byProcess.set(origin, { status: status === 'online' ? 'online' : 'away', expiresAt: Date.now() + this.timeoutMs });
      }
    }
    this.#announce();
  }

  /** Refreshes this process's rows, then reads everyone's, dropping those not refreshed in time. */
  async #refresh(): Promise<void> {
    if (this.#closed) return;
    try {
      if (this.#mine.size > 0) {
        const ids = [...this.#mine.keys()];
        const statuses = ids.map((id) => this.#mine.get(id) ?? 'away');
        // An upsert, not an update: rows another process pruned while this one stalled come back.
        this.#write({
          text: `insert into agent_presence (agent_id, process, status, seen_at)
                 select a, $2, s, ${DB_NOW} from unnest($1::int[], $3::text[]) as t(a, s)
                 on conflict (agent_id, process) do update set seen_at = excluded.seen_at`,
          values: [ids, this.process, statuses],
        });
        await this.#writes;
      }
      await this.#reload();
      this.#announce();
    } catch (err) {
      this.logger.warn({ err }, 'presence refresh failed');
    }
  }

  async #reload(): Promise<void> {
    const { rows } = await this.database.pool.query<{ agent_id: number; process: string; status: 'online' | 'away'; left_ms: number }>(
      `select agent_id, process, status, (seen_at + $2::bigint - ${DB_NOW})::int as left_ms
       from agent_presence where process <> $1 and seen_at > ${DB_NOW} - $2::bigint`,
      [this.process, this.timeoutMs],
    );
    const at = Date.now();
    const others = new Map<number, Map<string, Seen>>();
    for (const r of rows) {
      let byProcess = others.get(r.agent_id);
      if (!byProcess) others.set(r.agent_id, (byProcess = new Map()));
      byProcess.set(r.process, { status: r.status, expiresAt: at + Number(r.left_ms) });
    }
    this.#others = others;
    // Rows of processes long gone (killed, never shut down) are nobody's to keep.
    await this.database.pool.query(`delete from agent_presence where seen_at < ${DB_NOW} - $1::bigint`, [this.timeoutMs * 10]);
  }

  /**
   * Tells this process's websocket subscribers (agents' presence dots, widgets' live-chat offer)
   * about agents whose presence changed through another process. Not a domain event: the process
   * where the agent connected or left announced that one. Rows that timed out are noticed here.
   */
  #announce(): void {
    const at = Date.now();
    for (const agentId of new Set([...this.#announced.keys(), ...this.#agents()])) {
      const now = this.get(agentId, at);
      if ((this.#announced.get(agentId) ?? 'offline') !== now) {
        if (now === 'offline') this.#announced.delete(agentId);
        else this.#announced.set(agentId, now);
        this.bus.emitPeer({ type: 'agent.presence', agentId, presence: now, actor: { kind: 'agent', id: agentId } });
      }
    }
  }
}
