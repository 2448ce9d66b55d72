import type { Generated } from 'kysely';

export interface WebhooksTable {
  id: Generated<number>;
  url: string;
  description: Generated<string>;
  /** JSON: WebhookEvent[] */
  events: string;
  /** HMAC key for X-Kefu-Signature; shown to admins, never logged */
  secret: string;
  enabled: Generated<number>;
  /** why Kefu turned it off (failing for days); null when an admin did, or it is on */
  disabled_reason: string | null;
  failing_since: number | null;
  created_at: number;
  updated_at: number;
}

export type WebhookDeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed';

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  /** the payload's `id` and X-Kefu-Delivery: receivers dedupe on it */
  uuid: string;
  webhook_id: number;
  event: string;
  /** the JSON body exactly as every attempt sends it */
  body: string;
  status: WebhookDeliveryStatus;
  attempts: Generated<number>;
  response_code: number | null;
  duration_ms: number | null;
  error: string | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: number;
  attempt: number;
  ok: number;
  response_code: number | null;
  duration_ms: number;
  error: string | null;
  at: number;
}

/** The webhooks admin settings: one row (id 1), the JSON of WebhookSettings. */
export interface WebhookSettingsTable {
  id: number;
  settings: string;
  updated_at: number;
}

export interface WebhookTables {
  webhook_settings: WebhookSettingsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
}
