import type { ExpressionBuilder, ExpressionWrapper, SqlBool } from 'kysely';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/database.js';
import { prepared } from '../../db/prepared.js';
import type { Tables } from '../../db/tables.js';
import type { Actor } from '../../realtime/bus.js';
import { NotFound } from '../../http/errors.js';
import type { Role } from '../agents/tables.js';
import { findTicket, type TicketRow } from './queries.js';

/** The signed-in agent a service acts for; request.auth.agent fits it. */
export interface Viewer {
  id: number;
  name: string;
  role: Role;
}

/**
 * Which tickets a viewer may see. Admins and supervisors see all; an agent sees their own,
 * unassigned ones and their teams' (or all, when security.agents_see_all_tickets is set).
 */
export type TicketAccess = { all: true; agentId: number } | { all: false; agentId: number; teamIds: number[] };

export const agentActor = (viewer: Viewer): Actor => ({ kind: 'agent', id: viewer.id });

// Every request of an agent asks: compiled once rather than on each.
const teamsOfAgent = prepared((db: DbOrTx, p: { agentId: number }) => db.selectFrom('team_members').select('team_id').where('agent_id', '=', p.agentId));

export async function teamIdsOf(db: DbOrTx, agentId: number): Promise<number[]> {
  const rows = await teamsOfAgent.all(db, { agentId });
  return rows.map((r) => r.team_id);
}

export async function ticketAccess(ctx: AppContext, viewer: Viewer, db: DbOrTx = ctx.db): Promise<TicketAccess> {
  if (viewer.role !== 'agent' || ctx.config.security.agents_see_all_tickets) return { all: true, agentId: viewer.id };
  return { all: false, agentId: viewer.id, teamIds: await teamIdsOf(db, viewer.id) };
}

export function canSeeTicket(access: TicketAccess, ticket: { assignee_id: number | null; team_id: number | null }): boolean {
  if (access.all) return true;
  if (ticket.assignee_id === null || ticket.assignee_id === access.agentId) return true;
  return ticket.team_id !== null && access.teamIds.includes(ticket.team_id);
}

/** canSeeTicket for one ticket, knowing whether the viewer is in its team (no list of their teams read). */
export function canSeeOneTicket(ctx: AppContext, viewer: Viewer, ticket: { assignee_id: number | null; team_id: number | null }, inTeam: boolean): boolean {
  if (viewer.role !== 'agent' || ctx.config.security.agents_see_all_tickets) return true;
  return canSeeTicket({ all: false, agentId: viewer.id, teamIds: inTeam && ticket.team_id !== null ? [ticket.team_id] : [] }, ticket);
}

/** The same rule as canSeeTicket, as SQL over the tickets table. */
export function inScope(
  eb: ExpressionBuilder<Tables, 'tickets'>,
  access: TicketAccess,
): ExpressionWrapper<Tables, 'tickets', SqlBool> {
  if (access.all) return eb.and([]);
  const ors = [eb('tickets.assignee_id', 'is', null), eb('tickets.assignee_id', '=', access.agentId)];
  if (access.teamIds.length > 0) ors.push(eb('tickets.team_id', 'in', access.teamIds));
  return eb.or(ors);
}

export const canManageSettings = (viewer: Viewer): boolean => viewer.role === 'admin' || viewer.role === 'supervisor';

/** The ticket if the viewer may see it; otherwise 404, the same as a ticket that does not exist. */
export async function visibleTicket(ctx: AppContext, viewer: Viewer, id: number, db: DbOrTx = ctx.db): Promise<TicketRow> {
  const ticket = await findTicket(db, id);
  if (!ticket || !canSeeTicket(await ticketAccess(ctx, viewer, db), ticket)) throw new NotFound('ticket');
  return ticket;
}
