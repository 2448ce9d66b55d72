import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { TooManyRequests } from '../../http/errors.js';
import { sharedLimiter, type AttemptLimiter } from '../../http/attempt-limiter.js';
import { IdParams, withErrors } from '../../http/schemas.js';
import { voteOnArticle, voterKey, type VoteResult } from './votes.js';

/** The help center's visitor cookie: random, only there to count one vote per visitor. */
export const VISITOR_COOKIE = 'kefu_hc';

/** Votes an address may cast in ten minutes, whatever cookies it sends. */
const VOTES_PER_IP = 30;

/** `name` keeps the API's and the help center's counts apart, as they always were. */
export function makeVoteLimiter(ctx: AppContext, name: string): AttemptLimiter {
  return sharedLimiter(ctx.database, name, VOTES_PER_IP, 10 * 60_000);
}

/** The visitor a vote counts for: the help center cookie, or the address when there is none. */
export function voterOf(ctx: AppContext, request: FastifyRequest): string {
  const cookie = request.cookies[VISITOR_COOKIE];
  return voterKey(ctx.secret, cookie && /^[\w-]{16,64}$/.test(cookie) ? `c:${cookie}` : `ip:${request.ip}`);
}

export async function castVote(ctx: AppContext, limiter: AttemptLimiter, request: FastifyRequest, articleId: number, helpful: boolean): Promise<VoteResult> {
  const wait = await limiter.attempt(request.ip);
  if (wait > 0) throw new TooManyRequests('Too many votes from this address; try again later.', wait);
  return voteOnArticle(ctx, articleId, voterOf(ctx, request), helpful);
}

/** Public: anyone reading a published article may say whether it helped. */
export const kbVoteRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const limiter = makeVoteLimiter(ctx, 'kb-votes-api');
  app.post(
    '/kb/articles/:id/votes',
    {
      schema: {
        tags: ['knowledge-base'],
        description: 'Public. One vote per visitor (help center cookie, else address) per article; voting again replaces the vote.',
        params: IdParams,
        body: Type.Object({ helpful: Type.Boolean() }, { additionalProperties: false }),
        response: withErrors({ 200: Type.Object({ helpful: Type.Integer(), notHelpful: Type.Integer() }) }, 400, 404, 429),
      },
    },
    async (request) => castVote(ctx, limiter, request, request.params.id, request.body.helpful),
  );
};
