import { BadRequest } from '../../http/errors.js';

// The same shape the email sender accepts: an address it would drop must be refused here,
// where the agent can still fix it, not lost silently at delivery.
const ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;

/** The trimmed, de-duplicated addresses, or a 400 naming the first bad one and where it was. */
export function checkAddresses(field: 'cc' | 'bcc', list: string[] | undefined): string[] {
  const out: string[] = [];
  (list ?? []).forEach((raw, i) => {
    const address = raw.trim();
    if (!ADDRESS.test(address)) {
      throw new BadRequest(`${field}: "${raw}" is not an email address.`, { field: `${field}[${i}]`, address: raw }, 'invalid_address');
    }
    if (!out.some((a) => a.toLowerCase() === address.toLowerCase())) out.push(address);
  });
  return out;
}
