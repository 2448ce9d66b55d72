import { sql, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/database.js';
import { inJsonIntegers } from '../../db/dialect-sql.js';
import { prepared } from '../../db/prepared.js';
import { BadRequest } from '../../http/errors.js';
import type { Tables } from '../../db/tables.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { BREACHING_SOON_MS, type TicketFilters } from './filters.js';
import { inScope, teamIdsOf, ticketAccess, type TicketAccess, type Viewer } from './policy.js';
import { presentTicketPage } from './list-page.js';
import { PRIORITY_RANK, runBranch, SORT_KEYS, type Branch, type KeyRow, type SortColumn } from './list-branches.js';
import type { TicketView } from './schemas.js';
import type { TicketRow } from './queries.js';

/**
 * Narrows the list to tickets matching a text query (ids, best first); server/search provides it.
 * Without one, `q` is refused rather than silently ignored.
 */
export type TicketTextMatch = (db: DbOrTx, q: string) => Promise<number[]>;

type TicketQuery = SelectQueryBuilder<Tables, 'tickets', KeyRow>;
type Eb = ExpressionBuilder<Tables, 'tickets'>;

function keyOf(row: KeyRow, keys: SortColumn[]): number[] {
  return keys.map((k) => row[k] ?? 0);
}

/** Compares two rows by the sort's keys, reading them in place: the merge sorts a few hundred rows. */
function compareRows(a: KeyRow, b: KeyRow, keys: SortColumn[]): number {
  for (const k of keys) {
    const d = (a[k] ?? 0) - (b[k] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const labelByName = prepared((db: DbOrTx, p: { name: string }) =>
  db
    .selectFrom('labels')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['name']), '=', p.name)),
);

async function labelIdOf(db: DbOrTx, name: string): Promise<number | null> {
  const row = await labelByName.first(db, { name: name.toLowerCase() });
  return row?.id ?? null;
}

interface Plan {
  /** Conditions every branch shares. */
  where: Array<(eb: Eb) => ReturnType<Eb['and']>>;
  /** The viewer's scope, applied to branches that are not already one part of it. */
  scope: ((eb: Eb) => ReturnType<Eb['and']>) | null;
  branches: Branch[];
  /** Known to be empty without asking (unknown label, a team view with no teams). */
  empty: boolean;
}

interface PlanInput {
  /** The database the plan's SQL is written for. */
  db: DbOrTx;
  labelId: number | null;
  ids: number[] | null;
  /** The viewer's own teams, for the team view (an admin's too). */
  viewerTeams: number[];
}

function plan(filters: TicketFilters, access: TicketAccess, viewer: Viewer, input: PlanInput): Plan {
  const { db, labelId, ids } = input;
  const where: Plan['where'] = [];
  const add = (fn: (eb: Eb) => ReturnType<Eb['and']>) => where.push(fn);
  let empty = false;
  const scope = access.all ? null : (eb: Eb) => eb.and([inScope(eb, access)]);

  if (filters.view === 'mine') add((eb) => eb.and([eb('tickets.assignee_id', '=', viewer.id)]));
  if (filters.view === 'unassigned') add((eb) => eb.and([eb('tickets.assignee_id', 'is', null)]));
  if (filters.view === 'team' && filters.teamId === undefined) {
    const teams = input.viewerTeams;
    if (teams.length === 0) empty = true;
    add((eb) => eb.and([eb('tickets.team_id', 'in', teams.length > 0 ? teams : [-1])]));
  }
  if (filters.assignee === 'me') add((eb) => eb.and([eb('tickets.assignee_id', '=', viewer.id)]));
  else if (filters.assignee === 'none') add((eb) => eb.and([eb('tickets.assignee_id', 'is', null)]));
  else if (typeof filters.assignee === 'number') {
    const id = filters.assignee;
    add((eb) => eb.and([eb('tickets.assignee_id', '=', id)]));
  }
  if (filters.teamId !== undefined) {
    const id = filters.teamId;
    add((eb) => eb.and([eb('tickets.team_id', '=', id)]));
  }
  if (filters.label !== undefined) {
    if (labelId === null) empty = true;
    const id = labelId ?? -1;
    // Correlated EXISTS: the branch walks its sort index and probes the label's primary key per
    // row, stopping at the page size; `id in (select …)` made SQLite read the whole label first.
    add((eb) =>
      eb.and([
        eb.exists(
          eb
            .selectFrom('ticket_labels')
            .select('ticket_labels.label_id')
            .whereRef('ticket_labels.ticket_id', '=', 'tickets.id')
            .where('ticket_labels.label_id', '=', id),
        ),
      ]),
    );
  }
  if (filters.channel) {
    const ch = filters.channel;
    add((eb) => eb.and(['kind' in ch ? eb('tickets.channel_kind', '=', ch.kind) : eb('tickets.channel_name', '=', ch.name)]));
  }
  if (filters.sort === 'sla_due' || filters.sla !== undefined) add((eb) => eb.and([eb('tickets.sla_due_at', 'is not', null)]));
  if (filters.sla === 'breaching') {
    const soon = Date.now() + BREACHING_SOON_MS;
    add((eb) => eb.and([eb('tickets.sla_due_at', '<=', soon)]));
  }
  if (filters.bot !== undefined) {
    const column = filters.bot === 'deflected' ? 'tickets.bot_deflected' : 'tickets.bot_handled';
    add((eb) => eb.and([eb('tickets.channel_kind', '=', 'widget'), eb(column, '=', 1)]));
  }
  // Served by the report indexes on created_at and resolved_at (migration 0027).
  for (const [column, range] of [['tickets.created_at', filters.created], ['tickets.resolved_at', filters.resolved]] as const) {
    if (range?.from !== undefined) {
      const from = range.from;
      add((eb) => eb.and([eb(column, '>=', from)]));
    }
    if (range?.to !== undefined) {
      const to = range.to;
      add((eb) => eb.and([eb(column, '<', to)]));
    }
  }
  if (filters.priorities) {
    const list = filters.priorities;
    add((eb) => eb.and([eb('tickets.priority', 'in', list)]));
  }
  if (filters.contactId !== undefined) {
    const id = filters.contactId;
    add((eb) => eb.and([eb('tickets.contact_id', '=', id)]));
  }
  if (ids !== null) {
    if (ids.length === 0) empty = true;
    // One JSON parameter, not thousands: compiling and binding a 10,000-element IN list cost more
    // than the query.
    const list = JSON.stringify(ids);
    add((eb) => eb.and([inJsonIntegers(db, eb.ref('tickets.id'), list)]));
  }

  // Few rows (one contact, a text match): one query sorts them. Otherwise one branch per
  // status, and per scope part for a restricted agent, each walking its own index in order.
  const small = filters.contactId !== undefined || ids !== null;
  const statuses = filters.statuses;
  if (small) {
    add((eb) => eb.and([eb('tickets.status', 'in', statuses)]));
    return { where, scope, branches: [{}], empty };
  }
  const branches: Branch[] = statuses.flatMap((status) => drivers(filters, access, viewer, input.viewerTeams).map((scope) => ({ status, scope })));
  // A priority filter walked the activity index and read every row to test its priority (an
  // agent's urgent tickets in their teams: 6 ms); a branch per priority walks a priority index
  // (status or assignee or team, then rank, then last activity) in order instead.
  const byRank = filters.priorities && (filters.sort === 'last_activity' || filters.sort === 'priority');
  if (byRank && filters.priorities) {
    const ranks = [...new Set(filters.priorities.map((p) => PRIORITY_RANK[p]))];
    return { where, scope, branches: branches.flatMap((b) => ranks.map((priorityRank) => ({ ...b, priorityRank }))), empty };
  }
  return { where, scope, branches, empty };
}

/**
 * What splits each status branch further so an index serves it in order. A filter on assignee or
 * one team already has its index; the team view fans out per team; a restricted agent's
 * "all" fans out over the parts of their scope (unassigned, own, each team).
 */
function drivers(filters: TicketFilters, access: TicketAccess, viewer: Viewer, viewerTeams: number[]): Array<Branch['scope']> {
  const byAssignee = filters.view === 'mine' || filters.view === 'unassigned' || filters.assignee !== undefined;
  if (byAssignee || filters.teamId !== undefined) return [undefined];
  if (filters.view === 'team') return viewerTeams.map((teamId) => ({ teamId }));
  if (access.all) return [undefined];
  return [{ assigneeId: null }, { assigneeId: viewer.id }, ...access.teamIds.map((teamId) => ({ teamId }))];
}

/** A contact's tickets or a text match: few rows, one query sorts them (its statuses are in `where`). */
function smallListQuery(db: DbOrTx, p: Plan, filters: TicketFilters): TicketQuery {
  const keys = SORT_KEYS[filters.sort];
  let q = db.selectFrom('tickets').select(keys.map((k) => `tickets.${k}` as const)) as unknown as TicketQuery;
  for (const w of p.where) q = q.where((eb) => w(eb));
  const viewerScope = p.scope;
  if (viewerScope) q = q.where((eb) => viewerScope(eb));
  const after = decodeCursor(filters.cursor, keys.length);
  if (after) {
    const op = filters.order === 'desc' ? '<' : '>';
    const refs = keys.map((k) => `tickets.${k}` as const);
    q = q.where((eb) =>
      refs.length === 2
        ? eb(eb.refTuple(refs[0] as 'tickets.id', refs[1] as 'tickets.id'), op, eb.tuple(after[0] ?? 0, after[1] ?? 0))
        : eb(eb.refTuple(refs[0] as 'tickets.id', refs[1] as 'tickets.id', refs[2] as 'tickets.id'), op, eb.tuple(after[0] ?? 0, after[1] ?? 0, after[2] ?? 0)),
    );
  }
  for (const k of keys) q = q.orderBy(`tickets.${k}`, filters.order);
  return q.limit(filters.limit + 1);
}

export interface TicketPage {
  items: TicketView[];
  nextCursor: string | null;
}

export async function listTickets(
  ctx: AppContext,
  viewer: Viewer,
  filters: TicketFilters,
  textMatch?: TicketTextMatch,
): Promise<TicketPage> {
  const db = ctx.db;
  const keys = SORT_KEYS[filters.sort];
  const after = decodeCursor(filters.cursor, keys.length);
  const access = await ticketAccess(ctx, viewer);
  const labelId = filters.label !== undefined ? await labelIdOf(db, filters.label) : null;
  let ids: number[] | null = null;
  if (filters.q !== undefined) {
    if (!textMatch) throw new BadRequest('q: text search is not available on this server', { field: 'q' });
    ids = await textMatch(db, filters.q);
  }
  const viewerTeams = access.all ? (filters.view === 'team' ? await teamIdsOf(db, viewer.id) : []) : access.teamIds;
  const p = plan(filters, access, viewer, { db, labelId, ids, viewerTeams });
  if (p.empty) return { items: [], nextCursor: null };

  const results =
    filters.contactId !== undefined || ids !== null
      ? [await smallListQuery(db, p, filters).execute()]
      : await Promise.all(p.branches.map((b) => runBranch(db, filters, access, viewer, viewerTeams, labelId, b, after)));
  const seen = new Set<number>();
  const rows = results.flat().filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
  const sign = filters.order === 'desc' ? -1 : 1;
  rows.sort((a, b) => sign * compareRows(a, b, keys));
  const pageKeys = rows.slice(0, filters.limit);
  const last = pageKeys[pageKeys.length - 1];
  return {
    items: await presentTicketPage(db, pageKeys.map((k) => k.id), viewer.id),
    nextCursor: rows.length > filters.limit && last ? encodeCursor(keyOf(last, keys)) : null,
  };
}

/**
 * Every ticket the list would show for these filters and this viewer, as one query of ids in the
 * list's order (no page, no cursor): what an export walks. null when it is known to be empty.
 */
export async function listedTicketIdsQuery(
  ctx: AppContext,
  viewer: Viewer,
  filters: TicketFilters,
  textMatch?: TicketTextMatch,
): Promise<SelectQueryBuilder<Tables, 'tickets', Pick<TicketRow, 'id'>> | null> {
  const db = ctx.db;
  const access = await ticketAccess(ctx, viewer);
  const labelId = filters.label !== undefined ? await labelIdOf(db, filters.label) : null;
  let ids: number[] | null = null;
  if (filters.q !== undefined) {
    if (!textMatch) throw new BadRequest('q: text search is not available on this server', { field: 'q' });
    ids = await textMatch(db, filters.q);
  }
  const viewerTeams = access.all ? (filters.view === 'team' ? await teamIdsOf(db, viewer.id) : []) : access.teamIds;
  const p = plan(filters, access, viewer, { db, labelId, ids, viewerTeams });
  if (p.empty) return null;
  let q = db.selectFrom('tickets').select('tickets.id');
  for (const w of p.where) q = q.where((eb) => w(eb));
  const viewerScope = p.scope;
  if (viewerScope) q = q.where((eb) => viewerScope(eb));
  // plan() put the statuses in `where` only for small lists; the branches carry them otherwise.
  if (filters.contactId === undefined && ids === null) q = q.where('tickets.status', 'in', filters.statuses);
  for (const k of SORT_KEYS[filters.sort]) q = q.orderBy(`tickets.${k}`, filters.order);
  return q;
}
