import { providerCall } from '../phone/http.js';
import type { TwilioChannelConfig } from './config-schema.js';

/** MMS media URLs need these too when the account's media protection is on. */
export const basicAuth = (c: TwilioChannelConfig): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${c.account_sid}:${c.auth_token}`).toString('base64')}`,
});
const accountUrl = (c: TwilioChannelConfig): string => `${c.api_base_url.replace(/\/+$/, '')}/2010-04-01/Accounts/${c.account_sid}`;

/** Twilio's error body: `{code, message, more_info, status}`. */
export function twilioErrorText(body: unknown): string | null {
  const b = body as { code?: unknown; message?: unknown } | null;
  if (!b || typeof b !== 'object' || typeof b.message !== 'string') return null;
  return b.code !== undefined ? `${b.message} (${String(b.code)})` : b.message;
}

/** Sends an SMS; returns the message SID Twilio's status callbacks will name. */
export async function sendSms(c: TwilioChannelConfig, to: string, body: string, statusCallback: string): Promise<string | null> {
  const form = new URLSearchParams({ To: to, Body: body, StatusCallback: statusCallback });
  form.set(c.from.startsWith('MG') ? 'MessagingServiceSid' : 'From', c.from);
  const answer = (await providerCall(
    `${accountUrl(c)}/Messages.json`,
    { method: 'POST', headers: { ...basicAuth(c), 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() },
    twilioErrorText,
  )) as { sid?: unknown } | null;
  return typeof answer?.sid === 'string' ? answer.sid : null;
}

/** A cheap authenticated read of the account: proves the SID and token work. */
export async function checkCredentials(c: TwilioChannelConfig): Promise<void> {
  await providerCall(`${accountUrl(c)}.json`, { headers: basicAuth(c) }, twilioErrorText);
}
