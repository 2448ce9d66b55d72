/**
 * What went wrong when a request to a provider never got an answer, in words an agent can act on:
 * fetch itself only says "fetch failed" and keeps the reason (ECONNREFUSED, a timeout) in `cause`.
 */
export function unreachable(what: string, err: unknown): Error {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  const name = (err as { name?: unknown }).name;
  const reason =
    name === 'TimeoutError' ? 'no answer in time'
    // A system code (ECONNREFUSED, ENOTFOUND) says it best; the HTTP client's own codes are less clear than its message.
    : typeof cause?.code === 'string' && !cause.code.startsWith('UND_ERR') ? cause.code
    : typeof cause?.message === 'string' ? cause.message
    : err instanceof Error ? err.message
    : String(err);
  return new Error(`${what} unreachable: ${reason}`, { cause: err });
}
