import { decodeWords } from './charsets.js';
import { cleanHeaderText } from './text.js';

export interface SenderAddress {
  address: string;
  name: string;
}

const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?';
const DOMAIN = new RegExp(`^(?:\\[[^\\]\\s]+\\]|${LABEL}(?:\\.${LABEL})*)$`, 'u');
const LOCAL = /^[^\s@<>()[\]\\,;:"]+$/;

/** An address a reply could go to: a local part (plain or quoted) and a domain of real labels. */
export function isUsableAddress(address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (!DOMAIN.test(domain)) return false;
  return LOCAL.test(local) || /^"[^"\\\r\n]+"$/.test(local);
}

/** `bob jones@example.com` (spaces in the local part) becomes `"bob jones"@example.com`, which mail servers accept. */
function quoteLocal(address: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at).trim().replace(/\s+/g, ' ');
  const domain = address.slice(at + 1).trim();
  return LOCAL.test(local) || /^".*"$/.test(local) ? `${local}@${domain}` : `"${local.replace(/"/g, '')}"@${domain}`;
}

const unquote = (name: string): string => name.trim().replace(/^"(.*)"$/s, '$1').replace(/\\(.)/g, '$1').trim();

export interface SenderVerdict {
  from: SenderAddress | null;
  /** The From text when it held no usable address: the sender is marked invalid, never answered. */
  invalid: string | null;
}

/**
 * The sender from the raw From header, read liberally where the parser gave up or guessed wrong:
 * `Name addr@x` without angle brackets, a local part with spaces inside the brackets, a quoted
 * name before a bare address. Something like `<<<@@@>>>` is no address at all: null, and invalid.
 */
export function readSender(rawFrom: string | undefined, parsed: SenderAddress | null): SenderVerdict {
  const raw = (rawFrom ?? '').replace(/\r?\n[ \t]+/g, ' ').trim();
  const angle = /^(.*?)<([^<>]*@[^<>]*)>/.exec(raw);
  if (angle) {
    const address = quoteLocal(angle[2] ?? '').toLowerCase();
    if (isUsableAddress(address)) {
      const name = parsed && parsed.address === address && parsed.name ? parsed.name : cleanHeaderText(unquote(decodeWords(angle[1] ?? '')), 200);
      return { from: { address, name }, invalid: null };
    }
  }
  if (parsed && isUsableAddress(parsed.address) && !angle) return { from: parsed, invalid: null };
  // No brackets: the last word with an @ is the address, what comes before it the name.
  const bare = /^(.*?)\s*([^\s<>"]+@[^\s<>"]+?)[>.,;]*$/.exec(raw.replace(/\s*\([^()]*\)\s*$/, ''));
  if (bare?.[2] && isUsableAddress(bare[2].toLowerCase())) {
    return { from: { address: bare[2].toLowerCase(), name: cleanHeaderText(unquote(decodeWords(bare[1] ?? '')), 200) }, invalid: null };
  }
  if (parsed && isUsableAddress(parsed.address)) return { from: parsed, invalid: null };
  return { from: null, invalid: raw === '' ? null : cleanHeaderText(raw, 200) };
}
