import type { FastifyRequest } from 'fastify';

/**
 * Whether a form post comes from one of our own pages. A browser says where a post comes from
 * (Origin, Sec-Fetch-Site); another site's page posting here is turned away. A client that says
 * neither is no browser acting on someone's behalf, so there is no one to trick.
 */
export function postedFromOurSite(request: FastifyRequest, publicUrl: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    // "null" (a sandboxed frame, a privacy-stripped origin) says nothing we could trust.
    return false;
  }
  return host === request.headers.host || host === new URL(publicUrl).host;
}
