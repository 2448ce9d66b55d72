import { hmacHex, safeEqual } from '../../crypto.js';

const tag = (secret: string, channel: string, ticketNumber: number): string =>
  hmacHex(secret, `email-reply:${channel}:${ticketNumber}`).slice(0, 12);

function split(address: string): { local: string; domain: string } {
  const at = address.lastIndexOf('@');
  return { local: address.slice(0, at).toLowerCase(), domain: address.slice(at + 1).toLowerCase() };
}

/**
 * A per-ticket reply address like `support+t1042.3f9a0c1d2e4b@example.com`. The HMAC stops
 * anyone from writing into a ticket by guessing its number.
 */
export function replyAddress(secret: string, channel: string, mailbox: string, ticketNumber: number): string {
  const { local, domain } = split(mailbox);
  return `${local}+t${ticketNumber}.${tag(secret, channel, ticketNumber)}@${domain}`;
}

/** The ticket number from a reply address of this mailbox, or null when it is not one or is forged. */
export function ticketNumberFromAddress(secret: string, channel: string, mailbox: string, recipient: string): number | null {
  const box = split(mailbox);
  const got = split(recipient.trim());
  if (got.domain !== box.domain || !got.local.startsWith(`${box.local}+t`)) return null;
  const m = /^t(\d{1,12})\.([0-9a-f]{12})$/.exec(got.local.slice(box.local.length + 1));
  if (!m?.[1] || !m[2]) return null;
  const number = Number(m[1]);
  return safeEqual(m[2], tag(secret, channel, number)) ? number : null;
}
