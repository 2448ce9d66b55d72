import type { Selectable } from 'kysely';
import { iso, isoOrNull } from '../tickets/presenter.js';
import type { DeliveryView, WebhookEvent, WebhookPayload, WebhookView } from './schemas.js';
import type { WebhookAttemptsTable, WebhookDeliveriesTable, WebhooksTable } from './tables.js';

export type WebhookRow = Selectable<WebhooksTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;
export type AttemptRow = Selectable<WebhookAttemptsTable>;

/** Rows are written only through the service, which validated the list. */
export const eventsOf = (row: Pick<WebhookRow, 'events'>): WebhookEvent[] => JSON.parse(row.events) as WebhookEvent[];

/** The secret is left out unless asked for: lists and audit entries never carry it. */
export function presentWebhook(row: WebhookRow, opts: { withSecret?: boolean } = {}): WebhookView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: eventsOf(row),
    enabled: row.enabled === 1,
    disabledReason: row.disabled_reason,
    failingSince: isoOrNull(row.failing_since),
    ...(opts.withSecret ? { secret: row.secret } : {}),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export function presentDelivery(row: DeliveryRow, attempts: AttemptRow[]): DeliveryView & { payload: WebhookPayload } {
  return {
    id: row.uuid,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    responseCode: row.response_code,
    durationMs: row.duration_ms,
    error: row.error,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    attemptLog: attempts.map((a) => ({
      attempt: a.attempt,
      ok: a.ok === 1,
      responseCode: a.response_code,
      durationMs: a.duration_ms,
      error: a.error,
      at: iso(a.at),
    })),
    payload: JSON.parse(row.body) as WebhookPayload,
  };
}
