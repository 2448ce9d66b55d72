import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { TooManyRequests } from '../../http/errors.js';
import { RateLimiter } from '../../http/rate-limiter.js';
import { IdParams, withErrors } from '../../http/schemas.js';
import { voteOnArticle, voterKey, type VoteResult } from './votes.js';

/** The help center's visitor cookie: random, only there to count one vote per visitor. */
export const VISITOR_COOKIE = 'kefu_hc';

/** Votes an address may cast in ten minutes, whatever cookies it sends. */
const VOTES_PER_IP = 30;

export function makeVoteLimiter(): RateLimiter {
  return new RateLimiter(VOTES_PER_IP, 10 * 60_000);
}

/** The visitor a vote counts for: the help center cookie, or the address when there is none. */
export function voterOf(ctx: AppContext, request: FastifyRequest): string {
  const cookie = request.cookies[VISITOR_COOKIE];
  return voterKey(ctx.secret, cookie && /^[\w-]{16,64}$/.test(cookie) ? `c:${cookie}` : `ip:${request.ip}`);
}

export async function castVote(ctx: AppContext, limiter: RateLimiter, request: FastifyRequest, articleId: number, helpful: boolean): Promise<VoteResult> {
  if (!limiter.take(request.ip)) throw new TooManyRequests('Too many votes from this address; try again later.', limiter.retryAfter(request.ip));
  return voteOnArticle(ctx, articleId, voterOf(ctx, request), helpful);
}

/** Public: anyone reading a published article may say whether it helped. */
export const kbVoteRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const limiter = makeVoteLimiter();
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
