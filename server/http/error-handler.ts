import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, type ErrorBody } from './errors.js';
import { toDotted } from '../config/load.js';
import { isStorageFull } from '../ops/disk.js';
import { isConnectionLost } from '../db/connection-lost.js';

/** Seconds a client is asked to wait when the database cannot be reached. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export interface ErrorHandlerOptions {
  /** The database server's port, on PostgreSQL: only then can a request fail for want of a connection. */
  databasePort?: number;
  /** Told of a request that failed because the database could not be reached. */
  databaseLost?: (err: unknown) => void;
}

/** Maps every failure to `{error:{code,message}}`; a 5xx says nothing about internals. */
export function installErrorHandler(app: FastifyInstance, options: ErrorHandlerOptions = {}): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (options.databasePort !== undefined && isConnectionLost(err, options.databasePort)) {
      // Logged once per outage by the connection watch, not once per request.
      options.databaseLost?.(err);
      reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
      return reply
        .code(503)
        .send(errorBody('database_unavailable', 'The database cannot be reached right now. Try again shortly.'));
    }
    const { status, body } = toResponse(err);
    if (status >= 500) request.log.error({ err }, 'request failed');
    else request.log.debug({ code: body.error.code }, body.error.message);
    if (err instanceof AppError && err.status === 429 && err.details?.retryAfterSeconds) {
      reply.header('retry-after', String(err.details.retryAfterSeconds));
    }
    return reply.code(status).send(body);
  });
}

export const errorBody = (code: string, message: string, details?: Record<string, unknown>): ErrorBody => ({
  error: details ? { code, message, details } : { code, message },
});

function toResponse(err: FastifyError): { status: number; body: ErrorBody } {
  if (err instanceof AppError) return { status: err.status, body: errorBody(err.code, err.message, err.details) };
  if (err.validation) {
    const first = err.validation[0];
    const field = fieldOf(err.validationContext, first?.instancePath, first?.params);
    const message = `${field ? `${field}: ` : ''}${first?.message ?? 'invalid value'}`;
    return { status: 400, body: errorBody('validation', message, field ? { field } : undefined) };
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
      return { status: 413, body: errorBody('payload_too_large', 'The request body is too large.') };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: errorBody('unsupported_media_type', 'Send JSON (Content-Type: application/json).') };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, body: errorBody('invalid_json', 'The JSON body is empty.') };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, body: errorBody('invalid_json', 'The body is not valid JSON.') };
  }
  if (isStorageFull(err)) {
    return {
      status: 507,
      body: errorBody('storage_full', 'The server is out of disk space, so this change was not saved. Tell your administrator; try again once space is freed.'),
    };
  }
  const status = err.statusCode ?? 500;
  if (status === 429) return { status, body: errorBody('rate_limited', err.message) };
  if (status >= 400 && status < 500) {
    const code = err instanceof SyntaxError ? 'invalid_json' : 'bad_request';
    return { status, body: errorBody(code, err instanceof SyntaxError ? 'The body is not valid JSON.' : err.message) };
  }
  return { status: 500, body: errorBody('internal', 'Something went wrong on our side; it has been logged.') };
}

function fieldOf(context: string | undefined, instancePath: string | undefined, params: unknown): string {
  const extra = (params ?? {}) as { missingProperty?: string; additionalProperty?: string };
  const base = toDotted(instancePath ?? '');
  const leaf = extra.missingProperty ?? extra.additionalProperty;
  const inner = leaf ? (base ? `${base}.${leaf}` : leaf) : base;
  if (context === 'querystring' || context === 'params') return inner || context;
  return inner;
}
