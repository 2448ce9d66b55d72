/** Outbound webhooks and their delivery log, as the API returns them (admins only). */
import type { ApiClient } from '../../shared/api.js';
import type { MessageKey } from '../../shared/i18n/i18n.js';

export const WEBHOOK_EVENTS = ['ticket.created', 'ticket.updated', 'message.created', 'contact.created', 'sla.breached', 'csat.received'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** How the settings screen names each event (the wire name is shown beside it). */
export const EVENT_LABELS: Record<WebhookEvent | 'ping', MessageKey> = {
  'ticket.created': 'webhooks.event.ticketCreated',
  'ticket.updated': 'webhooks.event.ticketUpdated',
  'message.created': 'webhooks.event.messageCreated',
  'contact.created': 'webhooks.event.contactCreated',
  'sla.breached': 'webhooks.event.slaBreached',
  'csat.received': 'webhooks.event.csatReceived',
  ping: 'webhooks.event.ping',
};

export interface Webhook {
  id: number;
  url: string;
  description: string;
  events: WebhookEvent[];
  enabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
  secret?: string;
  createdAt: string;
  updatedAt: string;
}

export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed';

export interface WebhookDelivery {
  id: string;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  responseCode: number | null;
  durationMs: number | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookSettings {
  /** days a delivered or failed delivery stays in the log */
  deliveryRetentionDays: number;
}

export const webhooks = {
  settings: (api: ApiClient) => api.get<WebhookSettings>('/webhooks/settings'),
  updateSettings: (api: ApiClient, patch: Partial<WebhookSettings>) => api.patch<WebhookSettings>('/webhooks/settings', patch),
  list: (api: ApiClient) => api.get<{ items: Webhook[] }>('/webhooks').then((r) => r.items),
  create: (api: ApiClient, body: { url: string; events: WebhookEvent[]; description?: string }) => api.post<{ webhook: Webhook }>('/webhooks', body).then((r) => r.webhook),
  update: (api: ApiClient, id: number, body: Partial<Pick<Webhook, 'url' | 'events' | 'description' | 'enabled'>>) =>
    api.patch<{ webhook: Webhook }>(`/webhooks/${id}`, body).then((r) => r.webhook),
  remove: (api: ApiClient, id: number) => api.delete(`/webhooks/${id}`),
  rotateSecret: (api: ApiClient, id: number) => api.post<{ webhook: Webhook }>(`/webhooks/${id}/secret/rotate`, {}).then((r) => r.webhook),
  deliveries: (api: ApiClient, id: number) => api.get<{ items: WebhookDelivery[] }>(`/webhooks/${id}/deliveries`, { limit: 30 }).then((r) => r.items),
  redeliver: (api: ApiClient, id: number, deliveryId: string) => api.post<{ delivery: WebhookDelivery }>(`/webhooks/${id}/deliveries/${deliveryId}/redeliver`, {}),
  test: (api: ApiClient, id: number) => api.post<{ delivery: WebhookDelivery }>(`/webhooks/${id}/test`, {}),
};
