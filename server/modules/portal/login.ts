import type { AppContext } from '../../context.js';
import type { PlainEmailPayload } from '../../channels/email/payloads.js';
import { randomToken, sha256 } from '../../crypto.js';
import { now, type DbOrTx, type Tx } from '../../db/database.js';
import { enqueue } from '../../outbox/queue.js';
import { findContactIdByIdentity, insertIdentity } from '../contacts/queries.js';
import { firstOutboundChannel } from '../tickets/reply-channel.js';
import { createPortalSession } from './sessions.js';

export const LOGIN_LINK_TTL_MS = 15 * 60_000;
export const LOGIN_PATH = '/help/tickets/login';
/** Where the confirm page posts the token: only this uses a link up. */
export const LOGIN_CONFIRM_PATH = '/help/tickets/login/confirm';

export interface LoginMail {
  subject: string;
  text: string;
}

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** A plausible single address; the link proves the rest. */
export const looksLikeEmail = (email: string): boolean => /^[^\s@<>,;:"()[\]\\]{1,64}@[^\s@<>,;:"()[\]\\]+\.[^\s@<>,;:"()[\]\\]+$/.test(email) && email.length <= 254;

/**
 * `?via=chat` marks a link handed to a widget visitor rather than mailed: no scanner fetched it,
 * so its confirm page leaves out the note explaining the extra step in mail terms.
 */
export const portalLink = (ctx: AppContext, token: string, via: 'mail' | 'chat' = 'mail'): string =>
  `${ctx.config.server.public_url.replace(/\/+$/, '')}${LOGIN_PATH}/${token}${via === 'chat' ? '?via=chat' : ''}`;

/**
 * Mails a one-time sign-in link to an address a contact has proven (or that a signed-out web form
 * just claimed, `claimContactId`). An address nobody proved and nobody claimed gets nothing, and the
 * caller answers the same either way, so the form tells no one which addresses are customers.
 * Returns whether a mail was queued.
 */
export async function requestLoginLink(
  ctx: AppContext,
  rawEmail: string,
  compose: (link: string) => LoginMail,
  claimContactId: number | null = null,
): Promise<boolean> {
  const email = normalizeEmail(rawEmail);
  const mailbox = firstOutboundChannel(ctx.config);
  if (!mailbox || !looksLikeEmail(email)) return false;
  const contactId = (await findContactIdByIdentity(ctx.db, 'email', email)) ?? null;
  if (contactId === null && claimContactId === null) return false;
  const at = now();
  await ctx.database.transaction(async (tx, onCommit) => {
    const token = await insertLoginLink(tx, { email, contactId, claimContactId }, at);
    const mail = compose(portalLink(ctx, token));
    const payload: PlainEmailPayload = { type: 'plain', to: email, subject: mail.subject, text: mail.text, autoSubmitted: 'auto-generated' };
    await enqueue(tx, { kind: 'email', channelName: mailbox.name, payload: { ...payload } });
    onCommit(() => ctx.outbox.nudge());
  });
  return true;
}

async function insertLoginLink(tx: DbOrTx, link: { email: string; contactId: number | null; claimContactId: number | null }, at: number): Promise<string> {
  const token = randomToken();
  await tx.deleteFrom('portal_login_links').where('expires_at', '<', at - LOGIN_LINK_TTL_MS).execute();
  await tx
    .insertInto('portal_login_links')
    .values({ token_hash: sha256(token), email: link.email, contact_id: link.contactId, claim_contact_id: link.claimContactId, created_at: at, expires_at: at + LOGIN_LINK_TTL_MS, used_at: null })
    .execute();
  return token;
}

/**
 * A sign-in link handed straight to a caller that has already proven the address (a widget visitor
 * verified by identify()): nothing is mailed. Null when no contact owns the address yet.
 */
export async function loginLinkForVerifiedEmail(ctx: AppContext, rawEmail: string): Promise<string | null> {
  const email = normalizeEmail(rawEmail);
  const contactId = await findContactIdByIdentity(ctx.db, 'email', email);
  if (contactId === undefined) return null;
  return portalLink(ctx, await insertLoginLink(ctx.db, { email, contactId, claimContactId: null }, now()), 'chat');
}

export type LinkProblem = { ok: false; reason: 'used' | 'expired' | 'unknown' };
export type Redeemed = { ok: true; contactId: number; sessionToken: string } | LinkProblem;

const MAX_TOKEN_LENGTH = 200;

const UNKNOWN: LinkProblem = { ok: false, reason: 'unknown' };

function problemOf(link: { used_at: number | null; expires_at: number }, at: number): LinkProblem | null {
  if (link.used_at !== null) return { ok: false, reason: 'used' };
  if (link.expires_at <= at) return { ok: false, reason: 'expired' };
  return null;
}

/**
 * Whether a sign-in link would still work, and for which address, without using it up: mail
 * scanners and link previewers open links before the customer does, so opening one changes nothing.
 */
export async function checkLoginLink(db: DbOrTx, token: string): Promise<{ ok: true; email: string } | LinkProblem> {
  if (token.length > MAX_TOKEN_LENGTH) return UNKNOWN;
  const link = await db.selectFrom('portal_login_links').select(['email', 'used_at', 'expires_at']).where('token_hash', '=', sha256(token)).executeTakeFirst();
  if (!link) return UNKNOWN;
  return problemOf(link, now()) ?? { ok: true, email: link.email };
}

/** Uses up a sign-in link and opens a portal session for the contact behind its address. */
export async function redeemLoginLink(ctx: AppContext, token: string): Promise<Redeemed> {
  if (token.length > MAX_TOKEN_LENGTH) return UNKNOWN;
  const at = now();
  return ctx.database.transaction(async (tx): Promise<Redeemed> => {
    const link = await tx.selectFrom('portal_login_links').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
    if (!link) return UNKNOWN;
    const problem = problemOf(link, at);
    if (problem) return problem;
    const taken = await tx.updateTable('portal_login_links').set({ used_at: at }).where('token_hash', '=', link.token_hash).where('used_at', 'is', null).executeTakeFirst();
    if (Number(taken.numUpdatedRows) !== 1) return { ok: false, reason: 'used' };
    const contactId = await contactOfLink(tx, link.email, link.contact_id, link.claim_contact_id, at);
    if (contactId === null) return { ok: false, reason: 'unknown' };
    return { ok: true, contactId, sessionToken: await createPortalSession(tx, contactId, at) };
  });
}

/**
 * Following the link proves the address. A contact who already proved it is the one signed in, and
 * tickets a signed-out form filed under a claim of it move to them; otherwise the claiming contact
 * now owns the address, verified.
 */
async function contactOfLink(tx: Tx, email: string, contactId: number | null, claimId: number | null, at: number): Promise<number | null> {
  const owner = (await findContactIdByIdentity(tx, 'email', email)) ?? contactId;
  if (owner !== null && owner !== undefined) {
    if (claimId !== null && claimId !== owner) {
      await tx.updateTable('tickets').set({ contact_id: owner, updated_at: at }).where('contact_id', '=', claimId).execute();
    }
    return owner;
  }
  if (claimId === null) return null;
  const claimant = await tx.selectFrom('contacts').select('id').where('id', '=', claimId).executeTakeFirst();
  if (!claimant) return null;
  await insertIdentity(tx, { contact_id: claimId, kind: 'email', value: email, created_at: at });
  await tx.updateTable('contacts').set({ email, email_verified: 1, updated_at: at }).where('id', '=', claimId).execute();
  return claimId;
}
