import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * A phone number in E.164 (+4915112345678), so one person's number reported by different
 * channels (an API sender, SMS, WhatsApp) is one identity. Numbers without a country code need
 * `defaultCountry`; anything that is not a possible number gives null.
 */
export function toE164(raw: string, defaultCountry?: CountryCode): string | null {
  const trimmed = raw.trim();
  if (trimmed === '') return null;
  // WhatsApp and some gateways send international numbers without the plus.
  const intl = trimmed.replace(/^00/, '+');
  const candidate = /^\d{8,15}$/.test(intl) && !defaultCountry ? `+${intl}` : intl;
  const parsed = parsePhoneNumberFromString(candidate, defaultCountry);
  return parsed?.isPossible() ? parsed.number : null;
}
