import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { AppContext } from '../context.js';
import type { AuthAgent } from '../http/auth.js';
import { NotFound } from '../http/errors.js';
import { queueLengthOf } from '../modules/assignment/queries.js';
import { canSeeTicket, ticketAccess, type TicketAccess } from '../modules/tickets/policy.js';
import { getTicketDetail, type TicketDetail } from '../modules/tickets/service.js';
import { AgentConnection } from './agent-connection.js';
import type { ClientFrame, Composing, ServerFrame, Viewer } from './agent-protocol.js';
import { AgentEventPayloads } from './event-payload.js';
import type { KefuEvent } from './events.js';
import { encodeTextFrame } from './ws-frame.js';
import { DEFAULT_JOURNAL_OPTIONS, EventJournal, type JournalEntry, type JournalOptions, type JournalScope, type RealtimeJournal } from './journal.js';
import { PostgresJournal } from './postgres-journal.js';

export interface AgentHubOptions {
  journal: JournalOptions;
  /** A typing indicator the browser stops refreshing disappears after this long. */
  typingTtlMs: number;
  /** Sockets that do not answer a ping within this long are dropped (and the agent goes offline). */
  heartbeatMs: number;
  /** How often team memberships (what each agent may see) are re-read. */
  accessRefreshMs: number;
  pruneEveryMs: number;
}

export const DEFAULT_HUB_OPTIONS: AgentHubOptions = {
  journal: DEFAULT_JOURNAL_OPTIONS,
  typingTtlMs: 10_000,
  heartbeatMs: 30_000,
  accessRefreshMs: 60_000,
  pruneEveryMs: 10 * 60_000,
};

interface TicketPlace {
  assignee_id: number | null;
  team_id: number | null;
}

const REPLAY_PAGE = 1000;

/** Events about one ticket carry its scope (see TicketScope in events.ts). */
function journalScope(event: KefuEvent): JournalScope | null {
  const e = event as unknown as Record<string, unknown>;
  if (typeof e.ticketId === 'number' && 'assigneeId' in e && 'teamId' in e) {
    const prev = e.previous as { assigneeId: number | null; teamId: number | null } | undefined;
    return {
      ticketId: e.ticketId,
      assigneeId: (e.assigneeId as number | null) ?? null,
      teamId: (e.teamId as number | null) ?? null,
      previous: prev ? { assigneeId: prev.assigneeId ?? null, teamId: prev.teamId ?? null } : null,
    };
  }
  if (event.type.startsWith('contact.')) return { ticketId: null, assigneeId: null, teamId: null, previous: null };
  return null;
}

/** Ticket events sent live to who is connected now and never journaled: a keystroke signal is stale in seconds. */
const LIVE_ONLY = new Set<string>(['widget.typing', 'widget.read']);

/** Whether the hub journals the event (see #onEvent): then the journal, not the relay, takes it to the other processes. */
function journaled(event: KefuEvent): boolean {
  return !LIVE_ONLY.has(event.type) && AgentEventPayloads.sent(event) && journalScope(event) !== null;
}

function mayReceive(access: TicketAccess, scope: JournalScope): boolean {
  if (scope.ticketId === null) return true;
  if (canSeeTicket(access, { assignee_id: scope.assigneeId, team_id: scope.teamId })) return true;
  return scope.previous !== null && canSeeTicket(access, { assignee_id: scope.previous.assigneeId, team_id: scope.previous.teamId });
}

/**
 * Every agent websocket in this process. Ticket and contact events from the bus are journaled
 * with a cursor and pushed to the agents allowed to see them; presence, typing and who-is-viewing
 * live only here, in memory.
 */
export class AgentHub {
  readonly journal: RealtimeJournal;
  readonly options: AgentHubOptions;
  readonly #connections = new Set<AgentConnection>();
  readonly #byAgent = new Map<number, Set<AgentConnection>>();
  readonly #viewers = new Map<number, Set<AgentConnection>>();
  /** Where the tickets someone views or types on sit (assignee, team), kept current from events. */
  readonly #places = new Map<number, TicketPlace>();
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #payloads = new AgentEventPayloads();
  #unsubscribe: (() => void) | null = null;
  #relayEverything: (() => void) | null = null;
  /**
   * Event frames of this tick and the connections holding some of them. A commit of a batch of
   * intakes emits several events per message: at the end of the tick each socket gets one write, and
   * every socket that may see all of them (most: admins, unassigned tickets) the same joined Buffer.
   */
  #tickFrames: Buffer[] = [];
  #tickHolders = new Set<AgentConnection>();
  readonly #hold = (conn: AgentConnection): void => {
    if (this.#tickHolders.size === 0 && this.#tickFrames.length === 0) process.nextTick(this.#endTick);
    this.#tickHolders.add(conn);
  };
  readonly #endTick = (): void => {
    const frames = this.#tickFrames;
    const holders = this.#tickHolders;
    this.#tickFrames = [];
    this.#tickHolders = new Set();
    let all: Buffer | null = null;
    for (const conn of holders) {
      if (frames.length > 1 && conn.heldLive === frames.length) conn.writeHeld((all ??= Buffer.concat(frames)));
      else conn.writeHeld(null);
    }
  };

  constructor(
    private readonly ctx: AppContext,
    options: Partial<AgentHubOptions> = {},
  ) {
    this.options = { ...DEFAULT_HUB_OPTIONS, ...options };
    const log = ctx.logger.child({ subsystem: 'agent-hub' });
    const onError = (err: unknown) => log.error({ err }, 'event journal write failed');
    this.journal = ctx.peers
      ? new PostgresJournal(ctx.peers.database, ctx.peers.listener, ctx.peers.relay.origin, onError, this.options.journal)
      : new EventJournal(ctx.db, onError, this.options.journal);
    this.journal.onLive((entry, peer) => this.#deliverLive(entry, peer));
  }

  async start(): Promise<void> {
    await this.journal.init();
    // Journaled events reach the other processes through the journal's notifications, which
    // their hubs push to sockets and hand to their bus: sent through the relay as well, each
    // would cross twice and be read twice by every other process.
    this.#relayEverything = this.ctx.peers?.relay.leave(journaled) ?? null;
    this.#unsubscribe = this.ctx.bus.onAnyProcess('*', (event, peer) => this.#onEvent(event, peer));
    const every = (ms: number, fn: () => Promise<void> | void) => {
      const t = setInterval(() => {
        Promise.resolve(fn()).catch((err: unknown) => this.ctx.logger.error({ err, subsystem: 'agent-hub' }, 'hub timer failed'));
      }, ms);
      t.unref();
      this.#timers.push(t);
    };
    every(this.options.heartbeatMs, () => this.#heartbeat());
    every(this.options.accessRefreshMs, () => this.refreshAccess());
    every(this.options.pruneEveryMs, async () => {
      await this.journal.prune();
    });
  }

  async stop(): Promise<void> {
    this.#relayEverything?.();
    this.#unsubscribe?.();
    this.#endTick();
    for (const t of this.#timers) clearInterval(t);
    for (const conn of this.#connections) conn.socket.close(1001, 'server shutting down');
    await this.journal.flush();
  }

  get socketCount(): number {
    return this.#connections.size;
  }

  async connect(socket: WebSocket, agent: AuthAgent, transport?: Socket, sessionId: string | null = null): Promise<AgentConnection> {
    const access = await ticketAccess(this.ctx, agent);
    // Shared journal: the hello cursor must cover what this process journaled before the socket came.
    const settling = this.journal.settled();
    if (settling) await settling;
    const conn = new AgentConnection(agent, access, socket, transport, this.#hold);
    conn.sessionId = sessionId;
    this.#connections.add(conn);
    let mine = this.#byAgent.get(agent.id);
    if (!mine) this.#byAgent.set(agent.id, (mine = new Set()));
    mine.add(conn);
    this.ctx.metrics.websocketsOpen.inc({ hub: 'agent' });
    socket.on('pong', () => {
      conn.alive = true;
    });
    conn.send({ type: 'hello', cursor: this.journal.latest, agentId: agent.id, presence: this.ctx.presence.snapshot() });
    this.#updatePresence(agent.id);
    return conn;
  }

  disconnect(conn: AgentConnection): void {
    if (!this.#connections.delete(conn)) return;
    this.ctx.metrics.websocketsOpen.dec({ hub: 'agent' });
    this.#byAgent.get(conn.agent.id)?.delete(conn);
    if (this.#byAgent.get(conn.agent.id)?.size === 0) this.#byAgent.delete(conn.agent.id);
    this.#stopTyping(conn);
    this.#setViewing(conn, null);
    this.#updatePresence(conn.agent.id);
  }

  async receive(conn: AgentConnection, frame: ClientFrame): Promise<void> {
    switch (frame.type) {
      case 'resume':
        return this.#resume(conn, frame.cursor);
      case 'presence':
        conn.presence = frame.presence;
        this.#updatePresence(conn.agent.id);
        return;
      case 'view':
        if (frame.ticketId !== null && !(await this.#visible(conn, frame.ticketId))) {
          conn.send({ type: 'error', code: 'not_found', message: 'No such ticket.', ticketId: frame.ticketId });
          return;
        }
        this.#setViewing(conn, frame.ticketId);
        return;
      case 'open':
        return this.#open(conn, frame.ticketId);
      case 'typing':
        if (!(await this.#visible(conn, frame.ticketId))) {
          conn.send({ type: 'error', code: 'not_found', message: 'No such ticket.', ticketId: frame.ticketId });
          return;
        }
        this.#setTyping(conn, frame.ticketId, frame.composing);
        return;
      case 'ping':
        conn.send({ type: 'pong' });
        return;
    }
  }

  /**
   * Viewing a ticket and loading it in one frame. The agent app opens tickets this way: over the socket
   * already open, a ticket costs the browser a fraction of a new HTTP request, and the server no cookie,
   * routing or schema work. The detail is the HTTP route's own, so both answer alike.
   */
  async #open(conn: AgentConnection, ticketId: number): Promise<void> {
    let detail: TicketDetail;
    try {
      detail = await getTicketDetail(this.ctx, conn.agent, ticketId);
    } catch (err) {
      if (err instanceof NotFound) conn.send({ type: 'error', code: 'not_found', message: 'No such ticket.', ticketId });
      else {
        this.ctx.logger.error({ err, subsystem: 'agent-hub', ticketId }, 'opening a ticket failed');
        conn.send({ type: 'error', code: 'failed', message: 'The ticket could not be loaded.', ticketId });
      }
      return;
    }
    conn.send({ type: 'ticket', ticketId, detail });
    this.#places.set(ticketId, { assignee_id: detail.ticket.assignee?.id ?? null, team_id: detail.ticket.team?.id ?? null });
    this.#setViewing(conn, ticketId);
  }

  /** Re-reads what every connected agent may see (team memberships change). */
  async refreshAccess(): Promise<void> {
    for (const [agentId, conns] of this.#byAgent) {
      const first = conns.values().next().value;
      if (!first) continue;
      const access = await ticketAccess(this.ctx, first.agent);
      for (const conn of this.#byAgent.get(agentId) ?? []) conn.access = access;
    }
  }

  /** Queue lengths are no secret of any ticket: every agent's team views show them. */
  async #relayQueueLength(ticketId: number): Promise<void> {
    try {
      const q = await queueLengthOf(this.ctx.db, ticketId);
      if (q) this.#broadcast((c) => !c.replaying, { type: 'queue', teamId: q.teamKey === 0 ? null : q.teamKey, length: q.length });
    } catch (err) {
      this.ctx.logger.error({ err, ticketId }, 'queue length relay failed');
    }
  }

  // ---- events ---------------------------------------------------------------------------

  /** `peer`: emitted by another process; its journaled events come through the journal instead. */
  #onEvent(event: KefuEvent, peer: boolean): void {
    if (event.type === 'agent.signed_out') {
      // 4401 ("unauthorized" in the application range) tells the client why; a reconnect is refused.
      for (const conn of this.#byAgent.get(event.agentId) ?? []) {
        if (conn.sessionId === null || conn.sessionId !== event.keepSessionId) conn.socket.close(4401, 'signed out');
      }
      return;
    }
    if (event.type === 'notification.created') {
      for (const conn of this.#byAgent.get(event.agentId) ?? []) conn.send({ type: 'notification', notification: event.notification });
      return;
    }
    if (event.type === 'agent.presence') {
      // This process's own changes were sent to its sockets as they happened.
      if (peer) this.#broadcast(() => true, { type: 'presence', agentId: event.agentId, presence: this.ctx.presence.get(event.agentId) });
      return;
    }
    if (event.type === 'assignment.queue') {
      void this.#relayQueueLength(event.ticketId);
      return;
    }
    if (event.type.startsWith('team.')) {
      void this.refreshAccess();
      return;
    }
    const scope = journalScope(event);
    if (!scope) return;
    if (event.type === 'widget.typing' || event.type === 'widget.read') {
      // LIVE_ONLY: sent to who is connected now, never journaled or replayed.
      const frame: ServerFrame =
        event.type === 'widget.typing'
          ? { type: 'customer', ticketId: event.ticketId, typing: event.typing }
          : { type: 'customer', ticketId: event.ticketId, readAt: event.at };
      this.#broadcast((c) => !c.replaying && mayReceive(c.access, scope), frame);
      return;
    }
    if (peer) return;
    const payload = this.#payloads.payload(event, scope);
    if (payload !== null) this.journal.append(event, scope, payload);
  }

  /** A journaled event with its cursor: this process's, or (several processes) any process's. */
  #deliverLive({ cursor, type, scope, payload }: JournalEntry, peer: boolean): void {
    if (scope.ticketId !== null && this.#places.has(scope.ticketId)) {
      if (type === 'ticket.deleted') this.#places.delete(scope.ticketId);
      else this.#places.set(scope.ticketId, { assignee_id: scope.assigneeId, team_id: scope.teamId });
    }
    const frame = encodeTextFrame(`{"type":"event","cursor":${cursor},"event":${payload}}`);
    if (this.#tickHolders.size === 0 && this.#tickFrames.length === 0) process.nextTick(this.#endTick);
    this.#tickFrames.push(frame.wire);
    for (const conn of this.#connections) {
      if (mayReceive(conn.access, scope)) conn.deliver(cursor, frame);
    }
    // The relay leaves another process's journaled events to the journal: this process's other
    // websocket subscribers and caches learn of them here, as agents are sent them (event-payload.ts).
    if (peer) this.ctx.bus.emitPeer(JSON.parse(payload) as KefuEvent);
  }

  async #resume(conn: AgentConnection, from: number): Promise<void> {
    if (conn.replaying) return;
    if (from > this.journal.latest) await this.journal.refresh();
    if (from > this.journal.latest) {
      // A cursor from another database (restored backup, reinstall): nothing to replay from.
      conn.send({ type: 'reset', cursor: this.journal.latest });
      return;
    }
    const stopBefore = conn.beginReplay() ?? Number.POSITIVE_INFINITY;
    let cursor = from;
    try {
      for (;;) {
        const { entries, complete } = await this.journal.since(cursor, REPLAY_PAGE);
        if (cursor === from && !complete) {
          conn.send({ type: 'reset', cursor: this.journal.latest });
          return;
        }
        for (const entry of entries) {
          if (entry.cursor >= stopBefore) return;
          cursor = entry.cursor;
          if (mayReceive(conn.access, entry.scope)) {
            conn.replayed(entry.cursor, `{"type":"event","cursor":${entry.cursor},"event":${entry.payload}}`);
          }
        }
        if (entries.length < REPLAY_PAGE) return;
      }
    } finally {
      const last = conn.endReplay();
      conn.send({ type: 'resumed', cursor: Math.max(last, cursor) });
    }
  }

  // ---- presence -------------------------------------------------------------------------

  #updatePresence(agentId: number): void {
    const conns = this.#byAgent.get(agentId);
    const presence = !conns || conns.size === 0 ? 'offline' : [...conns].some((c) => c.presence === 'online') ? 'online' : 'away';
    if (!this.ctx.presence.set(agentId, presence)) return;
    // Sockets see the agent's presence over every process; the domain event says what changed here.
    this.#broadcast(() => true, { type: 'presence', agentId, presence: this.ctx.presence.get(agentId) });
    this.ctx.bus.emit({ type: 'agent.presence', agentId, presence, actor: { kind: 'agent', id: agentId } });
  }

  // ---- collisions: viewing and typing ----------------------------------------------------

  async #place(ticketId: number): Promise<TicketPlace | null> {
    const known = this.#places.get(ticketId);
    if (known) return known;
    const row = await this.ctx.db
      .selectFrom('tickets')
      .select(['assignee_id', 'team_id'])
      .where('id', '=', ticketId)
      .executeTakeFirst();
    return row ?? null;
  }

  async #visible(conn: AgentConnection, ticketId: number): Promise<boolean> {
    const place = await this.#place(ticketId);
    if (!place) return false;
    this.#places.set(ticketId, place);
    return canSeeTicket(conn.access, place);
  }

  #setViewing(conn: AgentConnection, ticketId: number | null): void {
    const before = conn.viewing;
    if (before === ticketId) {
      if (ticketId !== null) conn.send(this.#viewersFrame(ticketId));
      return;
    }
    if (conn.typing && conn.typing.ticketId !== ticketId) this.#stopTyping(conn);
    conn.viewing = ticketId;
    if (before !== null) {
      this.#viewers.get(before)?.delete(conn);
      this.#announceViewers(before);
    }
    if (ticketId !== null) {
      let set = this.#viewers.get(ticketId);
      if (!set) this.#viewers.set(ticketId, (set = new Set()));
      set.add(conn);
      this.#announceViewers(ticketId);
      // The live-chat widget shows the visitor's messages as read once an agent opens the ticket.
      this.ctx.bus.emit({ type: 'agent.viewing', ticketId, agentId: conn.agent.id, actor: { kind: 'agent', id: conn.agent.id } });
    }
  }

  #setTyping(conn: AgentConnection, ticketId: number, composing: Composing): void {
    const before = conn.typing;
    if (before) clearTimeout(before.timer);
    if (composing === null) {
      conn.typing = null;
      if (before) this.#announceTyping(conn, before.ticketId, null);
      return;
    }
    if (before && before.ticketId !== ticketId) this.#announceTyping(conn, before.ticketId, null);
    const timer = setTimeout(() => this.#stopTyping(conn), this.options.typingTtlMs);
    timer.unref();
    conn.typing = { ticketId, composing, timer };
    if (!before || before.ticketId !== ticketId || before.composing !== composing) this.#announceTyping(conn, ticketId, composing);
  }

  #stopTyping(conn: AgentConnection): void {
    if (!conn.typing) return;
    clearTimeout(conn.typing.timer);
    const { ticketId } = conn.typing;
    conn.typing = null;
    this.#announceTyping(conn, ticketId, null);
  }

  #announceTyping(conn: AgentConnection, ticketId: number, composing: Composing): void {
    const place = this.#places.get(ticketId);
    const frame: ServerFrame = { type: 'typing', ticketId, agentId: conn.agent.id, composing };
    if (place) this.#broadcast((c) => c.agent.id !== conn.agent.id && canSeeTicket(c.access, place), frame);
    if (this.#viewers.get(ticketId)?.size) this.#announceViewers(ticketId);
    // Channels that can show it (the widget) tell the customer; they decide what a note's typing shows (nothing).
    this.ctx.bus.emit({
      type: 'agent.typing',
      ticketId,
      agentId: conn.agent.id,
      agentName: conn.agent.name,
      composing,
      actor: { kind: 'agent', id: conn.agent.id },
    });
  }

  #viewersFrame(ticketId: number): ServerFrame {
    const agents = new Map<number, Viewer>();
    for (const c of this.#viewers.get(ticketId) ?? []) {
      const replying = c.typing?.ticketId === ticketId && c.typing.composing === 'reply';
      const seen = agents.get(c.agent.id);
      agents.set(c.agent.id, { id: c.agent.id, name: c.agent.name, replying: replying || (seen?.replying ?? false) });
    }
    return { type: 'viewers', ticketId, agents: [...agents.values()] };
  }

  #announceViewers(ticketId: number): void {
    const frame = this.#viewersFrame(ticketId);
    const place = this.#places.get(ticketId);
    if (frame.type === 'viewers' && frame.agents.length === 0) {
      this.#viewers.delete(ticketId);
      this.#places.delete(ticketId);
    }
    if (place) this.#broadcast((c) => canSeeTicket(c.access, place), frame);
  }

  #broadcast(to: (conn: AgentConnection) => boolean, frame: ServerFrame): void {
    const data = JSON.stringify(frame);
    for (const conn of this.#connections) if (to(conn)) conn.sendRaw(data);
  }

  #heartbeat(): void {
    for (const conn of this.#connections) {
      if (!conn.alive) {
        conn.socket.terminate();
        this.disconnect(conn);
        continue;
      }
      conn.alive = false;
      if (conn.open) conn.socket.ping();
    }
  }
}
