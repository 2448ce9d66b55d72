// AI drafting as the agent app uses it (server: server/modules/ai/routes.ts). Off unless the
// server has an `ai` section: then GET /ai answers, otherwise it is a 404 and nothing shows.
import { ApiError, type ApiClient } from '../../shared/api.js';
import { t, type MessageKey } from '../../shared/i18n/i18n.js';
import { errorMessage } from '../toast.js';

let status: Promise<boolean> | null = null;

/** Whether the server drafts with AI; asked once per page load. */
export function aiEnabled(api: ApiClient): Promise<boolean> {
  status ??= api.get<{ enabled: boolean }>('/ai').then(
    (r) => r.enabled,
    (err: unknown) => {
      // Only a 404 means "off"; a network blip is asked again next time.
      if (!(err instanceof ApiError && err.status === 404)) status = null;
      return false;
    },
  );
  return status;
}

/**
 * Streams a draft or a summary for a ticket, calling onText with the whole text so far after each
 * piece. Resolves with the full text; throws ApiError for a refusal or a failure mid-way.
 */
export async function streamAi(api: ApiClient, ticketId: number, what: 'draft' | 'summary', onText: (text: string) => void, signal: AbortSignal): Promise<string> {
  const body = await api.openStream(`/tickets/${ticketId}/ai/${what}`, signal);
  const decoder = new TextDecoder();
  let buffer = '';
  let text = '';
  const reader = body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? '{}') as { text?: string; code?: string; message?: string; reason?: string };
      if (event === 'delta' && data.text) onText((text += data.text));
      else if (event === 'error') throw new ApiError(502, data.code ?? 'ai_unavailable', data.message ?? '', { reason: data.reason });
      else if (event === 'done') return text;
    }
  }
  throw new ApiError(0, 'network_error', 'The connection closed before the draft was finished.');
}

const REASONS: Record<string, MessageKey> = {
  auth: 'ai.error.auth',
  rate_limited: 'ai.error.rateLimited',
  not_found: 'ai.error.notFound',
  timeout: 'ai.error.timeout',
};

/** The server's reason for a failed draft, said in the agent's language. */
export function aiErrorMessage(err: unknown): string {
  if (!(err instanceof ApiError) || err.code !== 'ai_unavailable') return errorMessage(err);
  return t(REASONS[String(err.details?.reason)] ?? 'ai.error.unavailable');
}
