import { createHmac } from 'node:crypto';
import { signaturesEqual } from '../kit/hmac.js';

/**
 * Twilio's request signature: base64 HMAC-SHA1, keyed with the auth token, over the full URL it
 * called (query included) followed by every POST parameter sorted by name, as name then value.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function verifyTwilioSignature(authToken: string, url: string, params: Record<string, string>, header: string | undefined): boolean {
  if (!header) return false;
  return signaturesEqual(twilioSignature(authToken, url, params), header.trim());
}
