import { providerCall } from '../phone/http.js';
import type { WhatsAppChannelConfig } from './config-schema.js';

/** Every Graph call, media downloads included, carries the access token. */
export const graphAuth = (channel: WhatsAppChannelConfig): Record<string, string> => ({ authorization: `Bearer ${channel.access_token}` });
const bearer = graphAuth;
const base = (channel: WhatsAppChannelConfig): string => channel.api_base_url.replace(/\/+$/, '');

/** The Graph API's error object: `{error:{message, code, error_data:{details}}}`. */
export function graphErrorText(body: unknown): string | null {
  const error = (body as { error?: { message?: unknown; code?: unknown; error_data?: { details?: unknown } } } | null)?.error;
  if (!error) return null;
  const details = typeof error.error_data?.details === 'string' ? `: ${error.error_data.details}` : '';
  return `${String(error.message ?? 'error')}${error.code !== undefined ? ` (${String(error.code)})` : ''}${details}`;
}

/** Sends one message body; returns the wamid WhatsApp gave it. */
export async function sendGraphMessage(channel: WhatsAppChannelConfig, body: Record<string, unknown>): Promise<string | null> {
  const answer = (await providerCall(
    `${base(channel)}/${channel.phone_number_id}/messages`,
    { method: 'POST', headers: { ...bearer(channel), 'content-type': 'application/json' }, body: JSON.stringify({ messaging_product: 'whatsapp', ...body }) },
    graphErrorText,
  )) as { messages?: Array<{ id?: unknown }> } | null;
  const id = answer?.messages?.[0]?.id;
  return typeof id === 'string' ? id : null;
}

/** Uploads a file for sending; WhatsApp answers with a media id. */
export async function uploadMedia(channel: WhatsAppChannelConfig, file: { name: string; type: string; content: Buffer }): Promise<string> {
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('type', file.type);
  form.set('file', new Blob([new Uint8Array(file.content)], { type: file.type }), file.name);
  const answer = (await providerCall(`${base(channel)}/${channel.phone_number_id}/media`, { method: 'POST', headers: bearer(channel), body: form }, graphErrorText)) as {
    id?: unknown;
  } | null;
  if (typeof answer?.id !== 'string') throw new Error('media upload answered without an id');
  return answer.id;
}

export interface MediaInfo {
  url: string;
  mimeType: string;
  size: number | null;
}

/** A webhook's media id → a short-lived download URL (which needs the token too). */
export async function mediaInfo(channel: WhatsAppChannelConfig, mediaId: string): Promise<MediaInfo> {
  const info = (await providerCall(`${base(channel)}/${encodeURIComponent(mediaId)}`, { headers: bearer(channel) }, graphErrorText)) as {
    url?: unknown;
    mime_type?: unknown;
    file_size?: unknown;
  } | null;
  if (typeof info?.url !== 'string') throw new Error('media lookup answered without a url');
  return {
    url: info.url,
    mimeType: typeof info.mime_type === 'string' ? info.mime_type : 'application/octet-stream',
    size: typeof info.file_size === 'number' ? info.file_size : null,
  };
}

/** A cheap authenticated read of the phone number: proves the token works. */
export async function checkCredentials(channel: WhatsAppChannelConfig): Promise<void> {
  await providerCall(`${base(channel)}/${channel.phone_number_id}?fields=id`, { headers: bearer(channel) }, graphErrorText);
}
