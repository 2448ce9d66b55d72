import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { simpleParser } from 'mailparser';
import type { MailDesk } from '../../helpers/mail-desk.js';

export const ORIGIN = 'https://help.example.com';

const SIGN_IN_LINK = /https:\/\/help\.example\.com(\/help\/tickets\/login\/[\w-]+)/;

/**
 * Runs the outbox until a mail to `address` with a sign-in link arrives; that link's path.
 * Other mail to the same person (a reply queued earlier) may be sent in the same run, in either order.
 */
export async function signInLinkTo(desk: MailDesk, address: string): Promise<{ path: string; subject: string; text: string }> {
  const before = desk.sink.messages.length;
  const seen: string[] = [];
  for (let want = before + 1; want <= before + 5; want++) {
    const mails = await desk.deliver(want);
    for (const mail of mails.slice(before).filter((m) => m.to.includes(address))) {
      const parsed = await simpleParser(mail.raw);
      const text = parsed.text ?? '';
      const path = SIGN_IN_LINK.exec(text)?.[1];
      if (path) return { path, subject: parsed.subject ?? '', text };
      if (!seen.includes(text)) seen.push(text);
    }
  }
  throw new Error(seen.length ? `no sign-in link in: ${seen.join(' | ')}` : `no mail to ${address}`);
}

export const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
  headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
});

/** A multipart body as a browser sends it for a form with files. */
export function multipart(fields: Record<string, string>, files: Array<{ name: string; type: string; content: Buffer }> = []) {
  const boundary = `----portal${Date.now()}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: ${f.type}\r\n\r\n`), f.content, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: Buffer.concat(parts) };
}

export const csrfIn = (body: string): string => /name="csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
export const nonceIn = (body: string): string => /name="nonce" value="([^"]+)"/.exec(body)?.[1] ?? '';

export const tokenIn = (body: string): string => /name="token" value="([^"]+)"/.exec(body)?.[1] ?? '';

/**
 * Follows a sign-in link as a person does: the link opens a confirm page, and its "Sign in" button
 * posts the token from the page. The answer to that post, and the portal cookie it set.
 */
export async function followSignInLink(app: Pick<FastifyInstance, 'inject'>, path: string): Promise<{ res: LightMyRequestResponse; cookie: string }> {
  const page = await app.inject({ method: 'GET', url: path });
  if (page.statusCode !== 200) throw new Error(`the sign-in link answered ${page.statusCode}`);
  const action = /<form[^>]* action="([^"]+)"[^>]* data-portal="confirm"/.exec(page.body)?.[1];
  if (!action) throw new Error('no confirm form on the sign-in page');
  const res = await app.inject({ method: 'POST', url: action, ...form({ token: tokenIn(page.body) }) });
  return { res, cookie: `kefu_portal=${res.cookies.find((c) => c.name === 'kefu_portal')?.value}` };
}
