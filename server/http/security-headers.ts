import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The agent app's policy, from what the built app really loads: its own scripts only (no inline
 * script, no eval); styles inline too, because templates carry style attributes and the email
 * frame (an srcdoc iframe, which inherits this policy) renders the mail's own <style>; images
 * from anywhere, as avatars and opted-in email images are remote; data: for the favicon and fonts.
 */
export const AGENT_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https: http:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "media-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** API answers are data, never a page to render or frame. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

const HSTS = 'max-age=31536000';

/**
 * Headers every response gets. Nothing may frame Kefu (clickjacking the sign-in or an agent's
 * click) unless a route has already said who may: the widget chat frame names its channel's
 * allowed origins in its own frame-ancestors, and is left as it is.
 */
export const securityHeadersPlugin = fp<{ publicUrl: string }>(
  async (app: FastifyInstance, { publicUrl }) => {
    const https = publicUrl.startsWith('https://');
    app.addHook('onSend', async (request, reply) => {
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'same-origin');
      if (https) reply.header('strict-transport-security', HSTS);
      const own = reply.getHeader('content-security-policy');
      if (typeof own === 'string' && /(^|;)\s*frame-ancestors\s/.test(own)) return;
      reply.header('x-frame-options', 'DENY');
      if (typeof own === 'string') reply.header('content-security-policy', `${own}; frame-ancestors 'none'`);
      else reply.header('content-security-policy', request.url.startsWith('/api/') ? API_CSP : AGENT_APP_CSP);
    });
  },
  { name: 'kefu-security-headers' },
);
