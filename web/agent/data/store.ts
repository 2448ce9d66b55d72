// App-wide state shared through @lit/context: the signed-in agent, directory data, live counts and
// the websocket. Components subscribe with StoreController and re-render on 'change'.
import { createContext } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiClient, ApiError } from '../../shared/api.js';
import { WsClient, agentSocketUrl, type WsState } from '../../shared/ws.js';
import type { Agent, AgentNotification, Label, LiveEvent, Presence, ServerFrame, Team, TicketCounts, TicketDetail } from '../../shared/types.js';
import { auth, directory, tickets } from './api-calls.js';

interface OpenWaiter {
  resolve: (detail: TicketDetail) => void;
  reject: (err: Error) => void;
}

export interface ViewerInfo {
  id: number;
  name: string;
  replying: boolean;
}

export class AppStore extends EventTarget {
  me: Agent;
  agents: Agent[] = [];
  teams: Team[] = [];
  labels: Label[] = [];
  counts: TicketCounts | null = null;
  wsState: WsState = 'closed';
  readonly viewers = new Map<number, ViewerInfo[]>();
  readonly typing = new Map<number, Map<number, 'reply' | 'note'>>();
  /** Tickets whose customer is typing right now (live chat), with the timer that forgets a lost "stopped". */
  readonly customerTyping = new Map<number, ReturnType<typeof setTimeout>>();
  readonly presence = new Map<number, Presence>();
  /** Channel name → kind, learnt from tickets seen, so the sidebar can show the right icon. */
  readonly channelKinds = new Map<string, string>();
  private ws: WsClient | null = null;
  private countsTimer: ReturnType<typeof setTimeout> | undefined;
  /** The ticket the server was last told this agent views. */
  private viewing: number | null = null;
  /** `open` frames sent and not answered yet, by ticket. */
  private readonly opening = new Map<number, OpenWaiter[]>();

  constructor(
    readonly api: ApiClient,
    me: Agent,
  ) {
    super();
    this.me = me;
  }

  get myTeamIds(): number[] {
    return this.teams.filter((t) => t.memberIds.includes(this.me.id)).map((t) => t.id);
  }

  /** Tickets waiting in the assignment queues of this agent's teams. */
  get myQueueLength(): number {
    return this.teams.filter((tm) => tm.memberIds.includes(this.me.id)).reduce((n, tm) => n + (tm.queueLength ?? 0), 0);
  }

  get canManage(): boolean {
    return this.me.role === 'admin' || this.me.role === 'supervisor';
  }

  agentName(id: number | undefined): string {
    return this.agents.find((a) => a.id === id)?.name ?? '';
  }

  learnChannels(tickets: readonly { channel: { kind: string; name: string } }[]): void {
    let added = false;
    for (const tk of tickets) {
      if (!this.channelKinds.has(tk.channel.name)) {
        this.channelKinds.set(tk.channel.name, tk.channel.kind);
        added = true;
      }
    }
    if (added) this.changed();
  }

  changed(): void {
    this.dispatchEvent(new Event('change'));
  }

  async loadDirectory(): Promise<void> {
    const settle = <T>(p: Promise<T>, fallback: T) => p.catch(() => fallback);
    const [agents, teams, labels] = await Promise.all([
      settle(directory.agents(this.api), { items: [] as Agent[] }),
      settle(directory.teams(this.api), { items: [] as Team[] }),
      settle(directory.labels(this.api), { items: [] as Label[] }),
    ]);
    this.agents = agents.items;
    this.teams = teams.items;
    this.labels = labels.items;
    for (const a of this.agents) this.presence.set(a.id, a.presence);
    this.changed();
  }

  async refreshCounts(): Promise<void> {
    try {
      this.counts = await tickets.counts(this.api);
      this.changed();
    } catch {
      // Counts are decoration; the list itself reports errors.
    }
  }

  /** Many events arrive in bursts; one counts request per burst is enough. */
  scheduleCounts(): void {
    clearTimeout(this.countsTimer);
    this.countsTimer = setTimeout(() => void this.refreshCounts(), 300);
  }

  connect(): void {
    this.ws = new WsClient({
      url: agentSocketUrl(),
      onFrame: (f) => this.onFrame(f),
      onState: (s) => {
        this.wsState = s;
        if (s !== 'open') this.settleOpening(null, (w) => w.reject(new Error('The live connection closed.')));
        this.changed();
      },
      onResumed: () => {
        void this.refreshCounts();
        this.dispatchEvent(new Event('resumed'));
      },
      // The same path as an API call answered 401: the sign-in overlay, the app kept behind it.
      onSignedOut: () => this.api.reportUnauthorized(),
      // A session that ended while the socket was down answers the upgrade with 401; /me shows it, and its
      // 401 takes the same path to the sign-in overlay. Any other failure leaves the socket retrying.
      onRefused: () => void auth.me(this.api).catch(() => undefined),
    });
    this.ws.start();
    // Away is a choice the agent made; a reload or a new sign-in must not quietly turn it back to online.
    const chosen: Presence = localStorage.getItem(presenceKey(this.me.id)) === 'away' ? 'away' : 'online';
    if (chosen === 'away') this.ws.send({ type: 'presence', presence: 'away' });
    this.presence.set(this.me.id, chosen);
    this.me = { ...this.me, presence: chosen };
  }

  disconnect(): void {
    this.ws?.stop();
    this.ws = null;
  }

  setPresence(p: Presence): void {
    if (p === 'away') localStorage.setItem(presenceKey(this.me.id), 'away');
    else localStorage.removeItem(presenceKey(this.me.id));
    this.presence.set(this.me.id, p);
    this.me = { ...this.me, presence: p };
    this.ws?.send({ type: 'presence', presence: p });
    this.changed();
  }

  viewTicket(ticketId: number | null): void {
    if (ticketId === this.viewing) return;
    this.viewing = ticketId;
    this.ws?.send({ type: 'view', ticketId });
  }

  /**
   * Views a ticket and loads it over the live connection, which costs the browser and the server far
   * less than a new request. Null when the connection is not open; the promise fails when the
   * connection drops or stays silent, and the caller loads over HTTP instead.
   */
  openTicket(ticketId: number): Promise<TicketDetail> | null {
    if (!this.ws || this.wsState !== 'open') return null;
    const answer = new Promise<TicketDetail>((resolve, reject) => {
      const timer = setTimeout(() => this.settleOpening(ticketId, (w) => w.reject(new Error('No answer on the live connection.'))), OPEN_TIMEOUT_MS);
      const waiting = this.opening.get(ticketId) ?? [];
      waiting.push({
        resolve: (d) => (clearTimeout(timer), resolve(d)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.opening.set(ticketId, waiting);
    });
    this.ws.send({ type: 'open', ticketId });
    this.viewing = ticketId;
    return answer;
  }

  /** Hands the waiters for one ticket (all of them for null) to `settle` and forgets them. */
  private settleOpening(ticketId: number | null, settle: (w: OpenWaiter) => void): void {
    const ids = ticketId === null ? [...this.opening.keys()] : [ticketId];
    for (const id of ids) {
      const waiting = this.opening.get(id);
      this.opening.delete(id);
      for (const w of waiting ?? []) settle(w);
    }
  }

  sendTyping(ticketId: number, composing: 'reply' | 'note' | null): void {
    this.ws?.send({ type: 'typing', ticketId, composing });
  }

  private onFrame(f: ServerFrame): void {
    switch (f.type) {
      case 'ticket':
        this.settleOpening(f.ticketId, (w) => w.resolve(f.detail));
        break;
      case 'error':
        if (f.ticketId === undefined) break;
        // Not found is the answer; any other failure leaves the ticket to the HTTP request.
        this.settleOpening(f.ticketId, (w) => w.reject(f.code === 'not_found' ? new ApiError(404, f.code, f.message) : new Error(f.message)));
        break;
      case 'queue': {
        const team = f.teamId === null ? undefined : this.teams.find((tm) => tm.id === f.teamId);
        if (!team || team.queueLength === f.length) break;
        team.queueLength = f.length;
        this.changed();
        break;
      }
      case 'notification':
        this.dispatchEvent(new CustomEvent<AgentNotification>('notification', { detail: f.notification }));
        break;
      case 'event':
        this.dispatchEvent(new CustomEvent<LiveEvent>('live', { detail: f.event }));
        this.scheduleCounts();
        break;
      // Every change re-renders the shell, the inbox and the open ticket, so a frame that changes nothing
      // must not: opening a ticket brings two viewers frames, for the ticket left and the one opened.
      case 'presence':
        if (this.presence.get(f.agentId) === f.presence) break;
        this.presence.set(f.agentId, f.presence);
        this.changed();
        break;
      case 'viewers': {
        const others = f.agents.filter((a) => a.id !== this.me.id);
        if (sameViewers(this.viewers.get(f.ticketId) ?? [], others)) break;
        if (others.length) this.viewers.set(f.ticketId, others);
        else this.viewers.delete(f.ticketId);
        this.changed();
        break;
      }
      case 'customer': {
        if (f.typing === undefined) break;
        clearTimeout(this.customerTyping.get(f.ticketId));
        this.customerTyping.delete(f.ticketId);
        if (f.typing) {
          const forget = () => {
            this.customerTyping.delete(f.ticketId);
            this.changed();
          };
          this.customerTyping.set(f.ticketId, setTimeout(forget, CUSTOMER_TYPING_TTL_MS));
        }
        this.changed();
        break;
      }
      case 'typing': {
        if (f.agentId === this.me.id) break;
        const m = this.typing.get(f.ticketId) ?? new Map<number, 'reply' | 'note'>();
        if ((m.get(f.agentId) ?? null) === f.composing) break;
        if (f.composing) m.set(f.agentId, f.composing);
        else m.delete(f.agentId);
        this.typing.set(f.ticketId, m);
        this.changed();
        break;
      }
    }
  }
}

const presenceKey = (agentId: number) => `kefu.presence.${agentId}`;

function sameViewers(a: readonly ViewerInfo[], b: readonly ViewerInfo[]): boolean {
  return a.length === b.length && a.every((v, i) => v.id === b[i]?.id && v.name === b[i]?.name && v.replying === b[i]?.replying);
}

/** An `open` the server has not answered in this long is loaded over HTTP. */
const OPEN_TIMEOUT_MS = 5000;

/** A widget says "typing" while keys are pressed; without a refresh the indicator goes away. */
const CUSTOMER_TYPING_TTL_MS = 8000;

export const storeContext = createContext<AppStore>(Symbol('kf-store'));

/** Re-renders the host whenever the store changes. */
export class StoreController implements ReactiveController {
  private readonly onChange = () => this.host.requestUpdate();
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly getStore: () => AppStore | undefined,
  ) {
    host.addController(this);
  }
  private store: AppStore | undefined;
  hostConnected(): void {
    this.attach();
  }
  hostUpdate(): void {
    if (this.store !== this.getStore()) this.attach();
  }
  hostDisconnected(): void {
    this.store?.removeEventListener('change', this.onChange);
    this.store = undefined;
  }
  private attach(): void {
    this.store?.removeEventListener('change', this.onChange);
    this.store = this.getStore();
    this.store?.addEventListener('change', this.onChange);
  }
}
