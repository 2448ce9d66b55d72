import { sql, type SelectQueryBuilder } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { inJsonIntegers, inJsonStrings } from '../../db/dialect-sql.js';
import { prepared, type PreparedQuery } from '../../db/prepared.js';
import type { Tables } from '../../db/tables.js';
import { BREACHING_SOON_MS, type TicketFilters } from './filters.js';
import type { TicketAccess, Viewer } from './policy.js';
import type { TicketRow } from './queries.js';
import type { TicketPriority } from './tables.js';

/** The sort keys of one sort; the others are absent. */
export type KeyRow = Pick<TicketRow, 'id'> & Partial<Pick<TicketRow, 'last_activity_at' | 'created_at' | 'priority_rank' | 'sla_due_at'>>;
type TicketQuery = SelectQueryBuilder<Tables, 'tickets', KeyRow>;
export type SortColumn = 'last_activity_at' | 'created_at' | 'priority_rank' | 'sla_due_at' | 'id';

/** tickets.priority_rank as SQLite derives it (migration 0002). */
export const PRIORITY_RANK: Record<TicketPriority, number> = { urgent: 3, high: 2, normal: 1, low: 0 };

export const SORT_KEYS: Record<TicketFilters['sort'], SortColumn[]> = {
  last_activity: ['last_activity_at', 'id'],
  created: ['created_at', 'id'],
  priority: ['priority_rank', 'last_activity_at', 'id'],
  // Only tickets with a running clock have one: tickets_sla_due serves them in order.
  sla_due: ['sla_due_at', 'id'],
};

/** One slice of the list that an index serves in order: SQLite cannot merge-sort an IN list itself. */
export interface Branch {
  status?: TicketRow['status'];
  /** One priority's rank: the priority indexes then serve the branch in last-activity order. */
  priorityRank?: number;
  scope?: { assigneeId: number | null } | { teamId: number };
}

type Values = Record<string, string | number>;
/** Adds one condition; `d` is the database the statement is compiled for, as dialect fragments need it. */
type Apply = (q: TicketQuery, p: Values, d: DbOrTx) => TicketQuery;

/**
 * The branch queries as prepared statements, one per shape (which conditions, sort, order, page
 * size): an agent's "all" view runs six to eight of them per request, and building and compiling
 * each with the query builder cost eight times what SQLite took to run it.
 */
const byShape = new Map<string, PreparedQuery<DbOrTx, Values, KeyRow>>();
/** Shapes are few in practice; the bound only keeps odd callers from growing the map forever. */
const MAX_SHAPES = 500;

const num = (p: Values, name: string): number => p[name] as number;
const str = (p: Values, name: string): string => p[name] as string;

/** Runs one branch of the list (filters.contactId and filters.q unset): its sort keys, one page and one row more. */
export function runBranch(
  db: DbOrTx,
  filters: TicketFilters,
  access: TicketAccess,
  viewer: Viewer,
  viewerTeams: number[],
  labelId: number | null,
  branch: Branch,
  after: number[] | null,
): Promise<KeyRow[]> {
  const parts: string[] = [];
  const apply: Apply[] = [];
  const values: Values = {};
  const add = (part: string, fn: Apply, v?: Values) => {
    parts.push(part);
    apply.push(fn);
    if (v) Object.assign(values, v);
  };
  const scope = branch.scope;

  if (filters.view === 'mine') add('mine', (q, p) => q.where('tickets.assignee_id', '=', num(p, 'viewerId')), { viewerId: viewer.id });
  if (filters.view === 'unassigned') add('unassigned', (q) => q.where('tickets.assignee_id', 'is', null));
  // A branch of one of the viewer's teams needs no list of them.
  if (filters.view === 'team' && filters.teamId === undefined && !(scope && 'teamId' in scope)) {
    add('teams', (q, p, d) => q.where((eb) => inJsonIntegers(d, eb.ref('tickets.team_id'), str(p, 'viewerTeams'))), {
      viewerTeams: JSON.stringify(viewerTeams),
    });
  }
  if (filters.assignee === 'me') add('me', (q, p) => q.where('tickets.assignee_id', '=', num(p, 'viewerId')), { viewerId: viewer.id });
  else if (filters.assignee === 'none') add('none', (q) => q.where('tickets.assignee_id', 'is', null));
  else if (typeof filters.assignee === 'number') add('assignee', (q, p) => q.where('tickets.assignee_id', '=', num(p, 'assignee')), { assignee: filters.assignee });
  if (filters.teamId !== undefined) add('team', (q, p) => q.where('tickets.team_id', '=', num(p, 'teamId')), { teamId: filters.teamId });
  if (filters.label !== undefined) {
    // Correlated EXISTS: the branch walks its sort index and probes the label's primary key per
    // row, stopping at the page size; `id in (select …)` made SQLite read the whole label first.
    add(
      'label',
      (q, p) =>
        q.where((eb) =>
          eb.exists(
            eb
              .selectFrom('ticket_labels')
              .select('ticket_labels.label_id')
              .whereRef('ticket_labels.ticket_id', '=', 'tickets.id')
              .where('ticket_labels.label_id', '=', num(p, 'labelId')),
          ),
        ),
      { labelId: labelId ?? -1 },
    );
  }
  const channel = filters.channel;
  if (channel && 'kind' in channel) add('kind', (q, p) => q.where('tickets.channel_kind', '=', str(p, 'channel')), { channel: channel.kind });
  else if (channel) add('name', (q, p) => q.where('tickets.channel_name', '=', str(p, 'channel')), { channel: channel.name });
  if (filters.sort === 'sla_due' || filters.sla !== undefined) add('sla', (q) => q.where('tickets.sla_due_at', 'is not', null));
  if (filters.sla === 'breaching') add('breaching', (q, p) => q.where('tickets.sla_due_at', '<=', num(p, 'soon')), { soon: Date.now() + BREACHING_SOON_MS });
  // Served by the report indexes on created_at and resolved_at (migration 0027).
  for (const [name, column, range] of [['created', 'tickets.created_at', filters.created], ['resolved', 'tickets.resolved_at', filters.resolved]] as const) {
    if (range?.from !== undefined) add(`${name}-from`, (q, p) => q.where(column, '>=', num(p, `${name}From`)), { [`${name}From`]: range.from });
    if (range?.to !== undefined) add(`${name}-to`, (q, p) => q.where(column, '<', num(p, `${name}To`)), { [`${name}To`]: range.to });
  }
  if (branch.priorityRank !== undefined) {
    add('rank', (q, p) => q.where('tickets.priority_rank', '=', num(p, 'rank')), { rank: branch.priorityRank });
  } else if (filters.priorities) {
    add('priorities', (q, p, d) => q.where((eb) => inJsonStrings(d, eb.ref('tickets.priority'), str(p, 'priorities'))), {
      priorities: JSON.stringify(filters.priorities),
    });
  }
  if (filters.bot !== undefined) {
    const column = filters.bot === 'deflected' ? 'tickets.bot_deflected' : 'tickets.bot_handled';
    add(`bot-${filters.bot}`, (q) => q.where('tickets.channel_kind', '=', 'widget').where(column, '=', 1));
  }
  // An agent always sees their own and unassigned tickets: the scope test would only make SQLite
  // read each row for its team when the assignee already narrows the list.
  const ownOrUnassigned = filters.view === 'mine' || filters.view === 'unassigned' || filters.assignee === 'me' || filters.assignee === 'none';
  if (!access.all && !scope && !ownOrUnassigned) {
    add(
      'scope',
      (q, p, d) =>
        q.where((eb) =>
          eb.or([
            eb('tickets.assignee_id', 'is', null),
            eb('tickets.assignee_id', '=', num(p, 'viewerId')),
            inJsonIntegers(d, eb.ref('tickets.team_id'), str(p, 'scopeTeams')),
          ]),
        ),
      { viewerId: viewer.id, scopeTeams: JSON.stringify(access.teamIds) },
    );
  }
  if (branch.status) add('status', (q, p) => q.where('tickets.status', '=', str(p, 'status') as TicketRow['status']), { status: branch.status });
  if (scope && 'teamId' in scope) add('in-team', (q, p) => q.where('tickets.team_id', '=', num(p, 'branchTeam')), { branchTeam: scope.teamId });
  else if (scope && scope.assigneeId === null) add('no-assignee', (q) => q.where('tickets.assignee_id', 'is', null));
  else if (scope) add('of-assignee', (q, p) => q.where('tickets.assignee_id', '=', num(p, 'branchAssignee')), { branchAssignee: scope.assigneeId as number });

  const keys = SORT_KEYS[filters.sort];
  const dir = filters.order;
  if (after) {
    const op = dir === 'desc' ? '<' : '>';
    const refs = keys.map((k) => `tickets.${k}` as const);
    add(
      'after',
      (q, p) =>
        q.where((eb) =>
          refs.length === 2
            ? eb(eb.refTuple(refs[0] as 'tickets.id', refs[1] as 'tickets.id'), op, eb.tuple(num(p, 'a0'), num(p, 'a1')))
            : eb(
                eb.refTuple(refs[0] as 'tickets.id', refs[1] as 'tickets.id', refs[2] as 'tickets.id'),
                op,
                eb.tuple(num(p, 'a0'), num(p, 'a1'), num(p, 'a2')),
              ),
        ),
      Object.fromEntries(keys.map((_, i) => [`a${i}`, after[i] ?? 0])),
    );
  }

  const limit = filters.limit + 1;
  const key = `${filters.sort} ${dir} ${limit} ${parts.join(',')}`;
  let query = byShape.get(key);
  if (!query) {
    query = prepared((d: DbOrTx, p: Values) => {
      // Keys only: the indexes cover them, so branches that lose the merge cost no row reads.
      let q = d.selectFrom('tickets').select(keys.map((k) => `tickets.${k}` as const)) as unknown as TicketQuery;
      for (const fn of apply) q = fn(q, p, d);
      for (const k of keys) q = q.orderBy(`tickets.${k}`, dir);
      return q.limit(limit);
    });
    if (byShape.size >= MAX_SHAPES) byShape.delete(byShape.keys().next().value as string);
    byShape.set(key, query);
  }
  return query.all(db, values);
}
