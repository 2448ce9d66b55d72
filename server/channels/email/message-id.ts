import { randomBytes } from 'node:crypto';
import { sha256 } from '../../crypto.js';

const ID_IN_BRACKETS = /<([^<>\s]+)>/g;

/** `<abc@host>` and ` abc@host ` both become `abc@host`; nothing usable becomes null. */
export function normalizeMessageId(value: string | undefined | null): string | null {
  if (!value) return null;
  const bracketed = /<([^<>\s]+)>/.exec(value);
  if (!bracketed && /[<>]/.test(value)) return null;
  const id = (bracketed ? bracketed[1] : value.trim().split(/\s+/)[0]) ?? '';
  // Control characters or a missing @ mean a damaged header, not an id worth matching.
  if (id.length === 0 || id.length > 998 || /[\x00-\x20\x7f]/.test(id)) return null;
  return id;
}

/** Every Message-ID in a References / In-Reply-To value, in order, without duplicates. */
export function messageIdList(value: string | string[] | undefined | null): string[] {
  if (!value) return [];
  const joined = Array.isArray(value) ? value.join(' ') : value;
  const found = [...joined.matchAll(ID_IN_BRACKETS)].map((m) => m[1] ?? '');
  const ids = found.length > 0 ? found : joined.split(/[\s,]+/);
  const out: string[] = [];
  for (const raw of ids) {
    const id = normalizeMessageId(raw);
    if (id && !out.includes(id)) out.push(id);
  }
  return out;
}

/**
 * A stable key for a message that carries no Message-ID, so piping or fetching the same bytes
 * twice still finds the first import.
 */
export function syntheticMessageId(raw: Buffer): string {
  return `sha256-${sha256(raw).slice(0, 40)}@kefu.invalid`;
}

/** Our own Message-ID for an outgoing mail: unique, and recognisably ours in References. */
export function newMessageId(address: string, hint: string): string {
  const domain = address.split('@')[1] ?? 'kefu.invalid';
  return `kefu.${hint}.${Date.now().toString(36)}.${randomBytes(6).toString('hex')}@${domain}`;
}
