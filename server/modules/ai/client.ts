import type { Config } from '../../config/schema.js';
import { AppError } from '../../http/errors.js';

export type AiConfig = NonNullable<Config['ai']>;

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Why a draft failed, for the agent app to say in the agent's language. */
export type AiFailure = 'auth' | 'rate_limited' | 'not_found' | 'timeout' | 'unavailable';

/** The endpoint failed, refused, timed out or answered something that is not a completion stream. */
export class AiUpstreamError extends AppError {
  constructor(
    message: string,
    readonly reason: AiFailure = 'unavailable',
    readonly upstreamStatus: number | null = null,
  ) {
    super(502, 'ai_unavailable', message, upstreamStatus === null ? { reason } : { reason, upstreamStatus });
  }
}

function failureOf(status: number): AiFailure {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate_limited';
  if (status === 404) return 'not_found';
  return 'unavailable';
}

function endpointOf(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/chat/completions`;
}

/** What an error body says, when it is the usual `{error:{message}}`; short, since it reaches the agent. */
async function upstreamReason(res: Response): Promise<string> {
  const text = (await res.text().catch(() => '')).slice(0, 2000);
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string };
    const message = typeof parsed.error === 'string' ? parsed.error : parsed.error?.message;
    if (typeof message === 'string' && message.trim()) return message.trim().slice(0, 300);
  } catch {
    // Not JSON: the status alone says enough.
  }
  return '';
}

function describeStatus(status: number, reason: string): string {
  const why =
    status === 401 || status === 403
      ? 'the AI service refused the API key'
      : status === 429
        ? 'the AI service is rate-limiting requests'
        : status === 404
          ? 'the AI service does not know this model or URL'
          : `the AI service answered HTTP ${status}`;
  return `No draft: ${why}${reason ? ` (${reason})` : ''}. Try again, or write the reply yourself.`;
}

/** One `data:` payload's delta text ('' for a role-only or usage chunk) and whether it says the answer is complete. */
function deltaOf(payload: string): { text: string; finished: boolean } {
  let chunk: unknown;
  try {
    chunk = JSON.parse(payload);
  } catch {
    throw new AiUpstreamError('No draft: the AI service sent something that is not a completion stream.');
  }
  const c = chunk as { choices?: Array<{ delta?: { content?: unknown }; finish_reason?: unknown }>; error?: { message?: unknown } };
  if (c.error) throw new AiUpstreamError(`No draft: the AI service failed mid-way (${String(c.error.message ?? 'no reason given').slice(0, 300)}).`);
  const choice = c.choices?.[0];
  const content = choice?.delta?.content;
  return { text: typeof content === 'string' ? content : '', finished: typeof choice?.finish_reason === 'string' };
}

/** The `data:` payloads of an SSE byte stream, in order; comment and other field lines are skipped. */
export async function* ssePayloads(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      if (line === '') {
        if (data.length) yield data.join('\n');
        data = [];
      } else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
  }
  if (data.length) yield data.join('\n');
}

/**
 * Streams a chat completion's text, delta by delta. Ends at `[DONE]`; throws AiUpstreamError for
 * an error status, a malformed stream or the timeout. `signal` aborts the upstream request too,
 * so a closed browser tab stops the (paid) generation.
 */
export async function* streamChat(config: AiConfig, messages: ChatMessage[], signal: AbortSignal): AsyncGenerator<string> {
  const timeout = AbortSignal.timeout(config.timeout_seconds * 1000);
  const both = AbortSignal.any([signal, timeout]);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
  if (config.api_key) headers.authorization = `Bearer ${config.api_key}`;
  let res: Response;
  try {
    res = await fetch(endpointOf(config.base_url), {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: config.model, messages, stream: true }),
      signal: both,
    });
  } catch (err) {
    throw failure(err, timeout, signal);
  }
  if (!res.ok || !res.body) throw new AiUpstreamError(describeStatus(res.status, await upstreamReason(res)), failureOf(res.status), res.status);
  // Some servers end with a finish_reason and close, without the `[DONE]` line.
  let finished = false;
  try {
    for await (const payload of ssePayloads(res.body)) {
      if (payload.trim() === '[DONE]') return;
      const delta = deltaOf(payload);
      finished ||= delta.finished;
      if (delta.text) yield delta.text;
    }
  } catch (err) {
    throw failure(err, timeout, signal);
  }
  if (finished) return;
  throw new AiUpstreamError('No draft: the AI service closed the stream before finishing. Try again.');
}

function failure(err: unknown, timeout: AbortSignal, signal: AbortSignal): Error {
  if (err instanceof AiUpstreamError) return err;
  if (signal.aborted) return err instanceof Error ? err : new Error(String(err));
  if (timeout.aborted) return new AiUpstreamError('No draft: the AI service took too long to answer. Try again.', 'timeout');
  return new AiUpstreamError('No draft: the AI service could not be reached. Try again, or write the reply yourself.');
}
