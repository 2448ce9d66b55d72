import { BadRequest } from '../../http/errors.js';

/** The URL when it is an absolute http(s) URL with nothing a browser would reinterpret; otherwise null. */
export function httpUrlOrNull(value: string | null | undefined): string | null {
  if (!value || /[\s\u0000-\u001f\u007f]/.test(value)) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? value : null;
  } catch {
    return null;
  }
}

/**
 * An avatar is put into an <img src> in the agent app and in visitors' chat windows; only http(s)
 * may be stored (a javascript: or data: URL is someone else's script). Empty clears it.
 */
export function checkAvatarUrl(value: string | null): string | null {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') return null;
  const url = httpUrlOrNull(trimmed);
  if (!url) throw new BadRequest('The avatar must be an http:// or https:// URL.', { field: 'avatarUrl' }, 'invalid_url');
  return url;
}
