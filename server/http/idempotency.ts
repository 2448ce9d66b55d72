import type { FastifyReply, FastifyRequest, onSendHookHandler, preHandlerHookHandler } from 'fastify';
import type { AppContext } from '../context.js';
import { sha256 } from '../crypto.js';
import { now } from '../db/database.js';
import { AppError, BadRequest, Conflict } from './errors.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEEP_MS = 24 * 3_600_000;
const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

declare module 'fastify' {
  interface FastifyRequest {
    /** The key this request claimed, so its answer can be stored once it is sent. */
    idempotencyClaim?: { agentId: number; key: string };
  }
}

class KeyReused extends AppError {
  constructor() {
    super(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request; send a new key for a new write.');
  }
}

/** Keys order-independent, so a client re-serialising the same body gets the same hash. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const requestHash = (request: FastifyRequest): string =>
  sha256(`${request.method} ${request.routeOptions.url ?? ''} ${canonical(request.params)} ${canonical(request.body)}`);

function replay(reply: FastifyReply, statusCode: number, response: string): FastifyReply {
  return reply.code(statusCode).header('content-type', 'application/json; charset=utf-8').header('idempotent-replayed', 'true').send(response);
}

/**
 * Route hooks that make an agent's POST answer once per Idempotency-Key: the first request with a
 * key claims it and stores its answer; a retry with the same key and body within a day gets that
 * answer back without writing again. A failed request frees its key so a corrected retry can run.
 */
export function idempotent(ctx: AppContext): { preHandler: preHandlerHookHandler; onSend: onSendHookHandler } {
  const preHandler: preHandlerHookHandler = async (request, reply) => {
    const key = request.headers[IDEMPOTENCY_HEADER];
    if (key === undefined || !request.auth) return;
    if (typeof key !== 'string' || !KEY_SHAPE.test(key)) {
      throw new BadRequest('Idempotency-Key must be 1 to 255 visible ASCII characters.', { field: IDEMPOTENCY_HEADER }, 'invalid_idempotency_key');
    }
    const agentId = request.auth.agent.id;
    const hash = requestHash(request);
    const t = now();
    await ctx.db.deleteFrom('idempotency_keys').where('created_at', '<', t - KEEP_MS).execute();
    const claimed = await ctx.db
      .insertInto('idempotency_keys')
      .values({ agent_id: agentId, key, request_hash: hash, status_code: null, response: null, created_at: t })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 1) {
      request.idempotencyClaim = { agentId, key };
      return;
    }
    const first = await ctx.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('agent_id', '=', agentId)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    if (first.request_hash !== hash) throw new KeyReused();
    if (first.status_code === null || first.response === null) {
      throw new Conflict('A request with this Idempotency-Key is still being handled; retry in a moment.', 'idempotency_key_in_progress');
    }
    return replay(reply, first.status_code, first.response);
  };

  const onSend: onSendHookHandler = async (request, reply, payload) => {
    const claim = request.idempotencyClaim;
    if (!claim) return payload;
    request.idempotencyClaim = undefined;
    const mine = { agent_id: claim.agentId, key: claim.key };
    if (reply.statusCode < 300 && typeof payload === 'string') {
      await ctx.db
        .updateTable('idempotency_keys')
        .set({ status_code: reply.statusCode, response: payload })
        .where('agent_id', '=', mine.agent_id)
        .where('key', '=', mine.key)
        .execute();
    } else {
      await ctx.db.deleteFrom('idempotency_keys').where('agent_id', '=', mine.agent_id).where('key', '=', mine.key).execute();
    }
    return payload;
  };

  return { preHandler, onSend };
}
