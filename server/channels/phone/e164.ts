import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * A phone number in E.164 (+8613800138000), or null when it is not one. SMS and WhatsApp both
 * name the customer by number; one spelling is what lets both land on one contact. WhatsApp's
 * wa_id has no leading '+', so bare digits are read as international.
 */
export function toE164(raw: string): string | null {
  const trimmed = raw.trim();
  if (trimmed === '') return null;
  // 00 is the international prefix dialled from most countries; bare digits are WhatsApp's wa_id.
  const dialled = trimmed.replace(/^00/, '+');
  const international = /^\d+$/.test(dialled) ? `+${dialled}` : dialled;
  const parsed = parsePhoneNumberFromString(international);
  return parsed?.isPossible() ? parsed.number : null;
}
