import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { agentOf, requireAgent } from '../http/auth.js';
import { withErrors } from '../http/schemas.js';
import { SearchQuerySchema, SearchResultSchema } from './schemas.js';
import { parseSearchFilters } from './filters.js';
import { searchAll } from './service.js';

export const searchRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/search',
    {
      onRequest: requireAgent,
      schema: {
        tags: ['search'],
        summary: 'Search tickets, messages and contacts (Chinese, Japanese, Korean and English)',
        querystring: SearchQuerySchema,
        response: withErrors({ 200: SearchResultSchema }, 400, 401),
      },
    },
    async (request) => {
      const { q, limit, cursor, ...raw } = request.query;
      return searchAll(ctx, agentOf(request), { q, limit, cursor, filters: parseSearchFilters(raw) });
    },
  );
};
