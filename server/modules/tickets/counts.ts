import type { ExpressionBuilder, ExpressionWrapper, SqlBool } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Tables } from '../../db/tables.js';
import { ACTIVE_STATUSES } from './filters.js';
import { inScope, teamIdsOf, ticketAccess, type Viewer } from './policy.js';
import type { TicketStatus } from './tables.js';

export interface TicketCounts {
  mine: number;
  unassigned: number;
  team: number;
  all: number;
  snoozed: number;
  resolved: number;
  byChannel: Record<string, number>;
  byLabel: Record<string, number>;
}

type Cond = (eb: ExpressionBuilder<Tables, 'tickets'>) => ExpressionWrapper<Tables, 'tickets', SqlBool>;

/** Sidebar badges: the working set (open + pending) per view, within what the viewer may see. */
export async function countTickets(ctx: AppContext, viewer: Viewer): Promise<TicketCounts> {
  const db = ctx.db;
  const access = await ticketAccess(ctx, viewer);
  const myTeams = access.all ? await teamIdsOf(db, viewer.id) : access.teamIds;

  const count = async (statuses: TicketStatus[], cond?: Cond): Promise<number> => {
    let q = db
      .selectFrom('tickets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', 'in', statuses)
      .where((eb) => inScope(eb, access));
    if (cond) q = q.where((eb) => cond(eb));
    return Number((await q.executeTakeFirstOrThrow()).n);
  };

  const [mine, unassigned, team, all, snoozed, resolved, channels, labels] = await Promise.all([
    count(ACTIVE_STATUSES, (eb) => eb('assignee_id', '=', viewer.id)),
    count(ACTIVE_STATUSES, (eb) => eb('assignee_id', 'is', null)),
    myTeams.length > 0 ? count(ACTIVE_STATUSES, (eb) => eb('team_id', 'in', myTeams)) : Promise.resolve(0),
    count(ACTIVE_STATUSES),
    count(['snoozed']),
    count(['resolved']),
    db
      .selectFrom('tickets')
      .select(['channel_name', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', 'in', ACTIVE_STATUSES)
      .where((eb) => inScope(eb, access))
      .groupBy('channel_name')
      .execute(),
    db
      .selectFrom('ticket_labels')
      .innerJoin('tickets', 'tickets.id', 'ticket_labels.ticket_id')
      .innerJoin('labels', 'labels.id', 'ticket_labels.label_id')
      .select(['labels.name', (eb) => eb.fn.countAll<number>().as('n')])
      .where('tickets.status', 'in', ACTIVE_STATUSES)
      .where((eb) => inScope(eb, access))
      .groupBy('labels.name')
      .execute(),
  ]);
  return {
    mine,
    unassigned,
    team,
    all,
    snoozed,
    resolved,
    byChannel: Object.fromEntries(channels.map((c) => [c.channel_name, Number(c.n)])),
    byLabel: Object.fromEntries(labels.map((l) => [l.name, Number(l.n)])),
  };
}
