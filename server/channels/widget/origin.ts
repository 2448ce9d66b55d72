/**
 * Whether a page origin may use a widget channel. Entries are exact origins
 * ("https://shop.example.com"), "*" for any, or a wildcard subdomain ("https://*.example.com").
 */
export function originAllowed(allowed: readonly string[], origin: string | undefined | null): boolean {
  if (allowed.includes('*')) return true;
  if (!origin || origin === 'null') return false;
  const normalized = normalizeOrigin(origin);
  if (!normalized) return false;
  return allowed.some((entry) => matches(entry.trim().replace(/\/+$/, ''), normalized));
}

function matches(entry: string, origin: string): boolean {
  if (!entry.includes('*')) return normalizeOrigin(entry) === origin;
  const m = /^(https?):\/\/\*\.(.+)$/.exec(entry);
  if (!m) return false;
  const url = new URL(origin);
  return url.protocol === `${m[1]}:` && url.host.endsWith(`.${m[2]}`);
}

function normalizeOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin;
  } catch {
    return null;
  }
}

/** The CSP frame-ancestors source list that lets only allowed pages embed the chat frame. */
export function frameAncestors(allowed: readonly string[]): string {
  if (allowed.includes('*')) return '*';
  return allowed.map((o) => o.trim().replace(/\/+$/, '')).join(' ');
}
