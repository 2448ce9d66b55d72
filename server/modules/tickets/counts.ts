import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/database.js';
import { ACTIVE_STATUSES } from './filters.js';
import { canSeeTicket, teamIdsOf, ticketAccess, type Viewer } from './policy.js';
import { configuredChannelNames } from './reply-channel.js';
import type { TicketStatus } from './tables.js';

export interface TicketCounts {
  mine: number;
  unassigned: number;
  team: number;
  all: number;
  snoozed: number;
  /** Resolved and closed: the Resolved view lists both. */
  resolved: number;
  /** The viewer's own working-set tickets with a message they have not read (the tab title shows it). */
  unread: number;
  byChannel: Record<string, number>;
  byLabel: Record<string, number>;
}

interface Group {
  status: TicketStatus;
  channel_name: string;
  assignee_id: number | null;
  team_id: number | null;
  n: number;
}

interface LabelGroup {
  name: string;
  assignee_id: number | null;
  team_id: number | null;
  n: number;
}

interface Aggregate {
  groups: Group[];
  labels: LabelGroup[];
}

const COUNTED: TicketStatus[] = [...ACTIVE_STATUSES, 'snoozed', 'resolved', 'closed'];

/**
 * One pass over the covering index, grouped by everything a viewer's counts depend on. Every
 * agent's badges are then a sum over a few hundred groups, not a scan of their own.
 */
async function aggregate(db: DbOrTx): Promise<Aggregate> {
  const [groups, labels] = await Promise.all([
    db
      .selectFrom('tickets')
      .select(['status', 'channel_name', 'assignee_id', 'team_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', 'in', COUNTED)
      .groupBy(['status', 'channel_name', 'assignee_id', 'team_id'])
      .execute(),
    db
      .selectFrom('ticket_labels')
      .innerJoin('tickets', 'tickets.id', 'ticket_labels.ticket_id')
      .innerJoin('labels', 'labels.id', 'ticket_labels.label_id')
      .select(['labels.name', 'tickets.assignee_id', 'tickets.team_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('tickets.status', 'in', ACTIVE_STATUSES)
      .groupBy(['labels.name', 'tickets.assignee_id', 'tickets.team_id'])
      .execute(),
  ]);
  return { groups: groups.map((g) => ({ ...g, n: Number(g.n) })), labels: labels.map((l) => ({ ...l, n: Number(l.n) })) };
}

/**
 * Recomputed at most once per `minAgeMs`, and only after a ticket event made it stale. A request
 * after a change never gets a pass that predates it: within `minAgeMs` of the last pass it waits
 * for the next one (an app asks once per burst of events, so a stale answer would stay on screen).
 */
class CountsCache {
  #value: Promise<Aggregate> | null = null;
  #at = 0;
  #stale = true;
  #next: Promise<Aggregate> | null = null;

  constructor(
    private readonly db: DbOrTx,
    private readonly minAgeMs: number,
  ) {}

  invalidate(): void {
    this.#stale = true;
  }

  get(): Promise<Aggregate> {
    if (this.#value && !this.#stale) return this.#value;
    const wait = this.#at + this.minAgeMs - Date.now();
    if (this.#value && wait > 0) {
      this.#next ??= new Promise<void>((resolve) => setTimeout(resolve, wait)).then(() => {
        this.#next = null;
        return this.get();
      });
      return this.#next;
    }
    this.#stale = false;
    this.#at = Date.now();
    const value = aggregate(this.db);
    // A failed pass must not be served forever.
    value.catch(() => {
      this.#stale = true;
    });
    this.#value = value;
    return value;
  }
}

const caches = new WeakMap<AppContext, CountsCache>();

function cacheFor(ctx: AppContext): CountsCache {
  let cache = caches.get(ctx);
  if (!cache) {
    const created = new CountsCache(ctx.db, 500);
    // Any process's change makes the counts stale, not only this one's.
    ctx.bus.onAnyProcess('*', (event) => {
      if (event.type.startsWith('ticket.') || event.type === 'message.created' || event.type === 'contact.deleted') {
        created.invalidate();
      }
    });
    caches.set(ctx, created);
    cache = created;
  }
  return cache;
}

/** Per viewer, so not from the shared aggregate; walks only the viewer's own assigned tickets. */
async function unreadOf(db: DbOrTx, viewerId: number): Promise<number> {
  const row = await db
    .selectFrom('tickets')
    .leftJoin('ticket_reads', (join) => join.onRef('ticket_reads.ticket_id', '=', 'tickets.id').on('ticket_reads.agent_id', '=', viewerId))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tickets.assignee_id', '=', viewerId)
    .where('tickets.status', 'in', ACTIVE_STATUSES)
    .where('tickets.last_message_at', 'is not', null)
    .where((eb) => eb.or([eb('ticket_reads.read_at', 'is', null), eb('tickets.last_message_at', '>', eb.ref('ticket_reads.read_at'))]))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Sidebar badges: the working set (open + pending) per view, within what the viewer may see;
 * Snoozed and Resolved count what those views list.
 * Never older than the last change: under a stream of changes the answer waits for the next pass
 * (up to half a second) rather than serve counts from before it.
 */
export async function countTickets(ctx: AppContext, viewer: Viewer): Promise<TicketCounts> {
  const access = await ticketAccess(ctx, viewer);
  const myTeams = new Set(access.all ? await teamIdsOf(ctx.db, viewer.id) : access.teamIds);
  const [{ groups, labels }, unread] = await Promise.all([cacheFor(ctx).get(), unreadOf(ctx.db, viewer.id)]);
  const channels = configuredChannelNames(ctx.config);
  const counts: TicketCounts = { mine: 0, unassigned: 0, team: 0, all: 0, snoozed: 0, resolved: 0, unread, byChannel: {}, byLabel: {} };
  for (const g of groups) {
    if (!canSeeTicket(access, g)) continue;
    if (g.status === 'snoozed') counts.snoozed += g.n;
    else if (g.status === 'resolved' || g.status === 'closed') counts.resolved += g.n;
    else {
      counts.all += g.n;
      if (g.assignee_id === viewer.id) counts.mine += g.n;
      if (g.assignee_id === null) counts.unassigned += g.n;
      if (g.team_id !== null && myTeams.has(g.team_id)) counts.team += g.n;
      // Tickets of a channel removed from the config (or none at all) stay in the views, not in the channel list.
      if (channels.has(g.channel_name)) counts.byChannel[g.channel_name] = (counts.byChannel[g.channel_name] ?? 0) + g.n;
    }
  }
  for (const l of labels) {
    if (canSeeTicket(access, l)) counts.byLabel[l.name] = (counts.byLabel[l.name] ?? 0) + l.n;
  }
  return counts;
}
