import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { agentOf, requireAgent, requireRole } from '../../http/auth.js';
import { withErrors } from '../../http/schemas.js';
import { parseTicketQuery } from '../tickets/filters.js';
import type { TicketTextMatch } from '../tickets/list.js';
import { ListQuery } from '../tickets/routes.js';
import { contactsCsv } from './contacts-csv.js';
import { sendCsv } from './send.js';
import { ticketsCsv } from './tickets-csv.js';

const Csv = Type.String({ description: 'text/csv; charset=utf-8, with a UTF-8 byte order mark' });
const ExportQuery = Type.Omit(ListQuery, ['limit', 'cursor']);

/** CSV downloads: the ticket list with its filters (within the caller's scope), and contacts for supervisors. */
export const exportsRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext; textMatch?: TicketTextMatch }> = async (app, { ctx, textMatch }) => {
  app.addHook('onRequest', requireAgent);
  const tags = ['exports'];

  app.get(
    '/exports/tickets.csv',
    { schema: { tags, querystring: ExportQuery, response: withErrors({ 200: Csv }, 400, 401) } },
    async (request, reply) => {
      const filters = parseTicketQuery({ ...request.query, limit: 1 });
      return sendCsv(reply, 'tickets', ticketsCsv(ctx, agentOf(request), filters, textMatch));
    },
  );

  app.get(
    '/exports/contacts.csv',
    { onRequest: requireRole('admin', 'supervisor'), schema: { tags, response: withErrors({ 200: Csv }, 401, 403) } },
    async (_request, reply) => sendCsv(reply, 'contacts', contactsCsv(ctx.database)),
  );
};
