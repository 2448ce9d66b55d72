import { randomToken } from '../../crypto.js';
import { now } from '../../db/database.js';
import { BadRequest, Forbidden, Unauthorized } from '../../http/errors.js';
import type { WidgetChannelConfig } from './config-schema.js';
import { localTextFor, localTextMap } from './local-text.js';
import { presentConversation, presentVisitor } from './presenter.js';
import type { WidgetConfigView, WidgetConversationView, WidgetSessionView } from './protocol.js';
import {
  findVisitor,
  findVisitorByExternalId,
  insertVisitor,
  openConversation,
  updateVisitor,
  type ConversationRow,
  type VisitorRow,
} from './queries.js';
import type { WidgetRuntime } from './runtime.js';
import { identityProof, signVisitorToken, verifyVisitorToken } from './token.js';

const DAY_MS = 86_400_000;

export function configView(rt: WidgetRuntime, ch: WidgetChannelConfig): WidgetConfigView {
  return {
    channel: ch.name,
    displayName: localTextMap(ch.display_name, ch.name),
    title: ch.title === undefined ? null : localTextFor(ch.title, null, ch.name),
    titles: ch.title === undefined ? null : localTextMap(ch.title, ch.name),
    brandColor: ch.brand_color,
    logoUrl: ch.logo_url ?? null,
    greeting: ch.greeting === undefined ? null : localTextFor(ch.greeting, null, ''),
    greetings: ch.greeting === undefined ? null : localTextMap(ch.greeting, ''),
    prechatFields: ch.prechat_fields.map((f) => ({ field: f.field, required: f.required })),
    language: ch.default_language,
    online: rt.online(ch),
    offlineMode: ch.offline,
    identityVerification: ch.identity_secret !== undefined,
    transcript: ch.email_channel !== undefined && rt.deps.sendEmail !== undefined,
    maxMessageChars: ch.max_message_chars,
    uploads: { maxBytes: Math.floor(ch.max_upload_mb * 1024 * 1024), types: [...ch.upload_types] },
  };
}

/** The visitor a token names, or 401 with a code the widget uses to start afresh. */
export async function authenticateVisitor(rt: WidgetRuntime, ch: WidgetChannelConfig, token: string | undefined): Promise<VisitorRow> {
  if (!token) throw new Unauthorized('Visitor token required.', 'visitor_token_required');
  const check = verifyVisitorToken(rt.ctx.secret, token, ch.token_days * DAY_MS);
  if (!check.ok) {
    throw new Unauthorized(
      check.reason === 'expired' ? 'Visitor token expired.' : 'Invalid visitor token.',
      check.reason === 'expired' ? 'visitor_token_expired' : 'visitor_token_invalid',
    );
  }
  if (check.claims.channel !== ch.name) throw new Unauthorized('Invalid visitor token.', 'visitor_token_invalid');
  const visitor = await findVisitor(rt.ctx.db, check.claims.visitorId);
  if (!visitor || visitor.channel !== ch.name) throw new Unauthorized('Invalid visitor token.', 'visitor_token_invalid');
  return visitor;
}

export interface SessionInput {
  token?: string | undefined;
  name?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
  language?: string | undefined;
}

/**
 * Continues the visitor a valid token names, or makes a new one. Pre-chat details given now are kept
 * on the visitor and go with their next message to intake.
 */
export async function startSession(rt: WidgetRuntime, ch: WidgetChannelConfig, input: SessionInput): Promise<WidgetSessionView> {
  let visitor: VisitorRow | undefined;
  if (input.token) visitor = await authenticateVisitor(rt, ch, input.token);
  const at = now();
  const email = input.email?.toLowerCase();
  // A typed address is a claim; it stays verified only when it is the address identify() proved.
  const emailVerified = email !== undefined && !(visitor?.email_verified === 1 && visitor.email === email) ? { email_verified: 0 } : {};
  const details = {
    ...(input.name ? { name: input.name } : {}),
    ...(email ? { email } : {}),
    ...emailVerified,
    ...(input.phone ? { phone: input.phone } : {}),
    ...(input.language ? { language: input.language } : {}),
  };
  if (!visitor) {
    visitor = {
      id: `v_${randomToken(16)}`,
      channel: ch.name,
      external_id: null,
      name: null,
      email: null,
      phone: null,
      language: null,
      email_verified: 0,
      contact_id: null,
      created_at: at,
      last_seen_at: at,
      ...details,
    };
    await insertVisitor(rt.ctx.db, visitor);
  } else {
    visitor = { ...visitor, ...details, last_seen_at: at };
    await updateVisitor(rt.ctx.db, visitor.id, { ...details, last_seen_at: at });
  }
  return sessionView(rt, ch, visitor);
}

export async function sessionView(rt: WidgetRuntime, ch: WidgetChannelConfig, visitor: VisitorRow): Promise<WidgetSessionView> {
  const conversation = await openConversation(rt.ctx.db, visitor.id);
  return {
    token: signVisitorToken(rt.ctx.secret, { channel: ch.name, visitorId: visitor.id, issuedAt: now() }),
    visitor: presentVisitor(visitor),
    conversation: conversation ? await conversationView(rt, conversation) : null,
    online: rt.online(ch),
  };
}

export async function conversationView(rt: WidgetRuntime, row: ConversationRow): Promise<WidgetConversationView> {
  const rating = await rt.ctx.db
    .selectFrom('csat_ratings')
    .select('id')
    .where('conversation_id', '=', row.id)
    .executeTakeFirst();
  return presentConversation(row, rating !== undefined);
}

export interface IdentifyInput {
  id: string;
  hash: string;
  name?: string | undefined;
  email?: string | undefined;
}

/**
 * Binds the visitor to the host site's user after checking the HMAC. A user seen before on this channel
 * continues their own visitor (history from any device); the anonymous visitor's open chat moves with them.
 */
export async function identify(
  rt: WidgetRuntime,
  ch: WidgetChannelConfig,
  visitor: VisitorRow,
  input: IdentifyInput,
): Promise<WidgetSessionView> {
  if (!ch.identity_secret) throw new Forbidden('Identity verification is not enabled for this widget.', 'identify_disabled');
  const proof = identityProof(ch.identity_secret, input.id, input.hash, input.email);
  if (!proof) throw new BadRequest('The identity hash does not match.', { field: 'hash' }, 'identity_hash_mismatch');
  const email = input.email?.toLowerCase();
  const at = now();
  // An email the hash does not cover is a claim like a typed one: it stays verified only when it is the
  // address this visitor already proved.
  const details = (target: VisitorRow | null) => ({
    ...(input.name ? { name: input.name } : {}),
    ...(email ? { email, email_verified: proof === 'id_and_email' || (target?.email_verified === 1 && target.email === email) ? 1 : 0 } : {}),
    last_seen_at: at,
  });
  if (visitor.external_id === input.id) {
    await updateVisitor(rt.ctx.db, visitor.id, details(visitor));
    return sessionView(rt, ch, { ...visitor, ...details(visitor) });
  }
  const known = await findVisitorByExternalId(rt.ctx.db, ch.name, input.id);
  if (!known) {
    if (visitor.external_id !== null) {
      // A different user logged in on this browser: they get a visitor of their own.
      return identifyFresh(rt, ch, input.id, details(null));
    }
    // The anonymous visitor's earlier address was only typed, never proved for this user.
    await updateVisitor(rt.ctx.db, visitor.id, { ...details(null), external_id: input.id });
    return sessionView(rt, ch, { ...visitor, ...details(null), external_id: input.id });
  }
  if (visitor.external_id === null) await adoptAnonymousChat(rt, visitor.id, known.id);
  await updateVisitor(rt.ctx.db, known.id, details(known));
  return sessionView(rt, ch, { ...known, ...details(known) });
}

async function identifyFresh(
  rt: WidgetRuntime,
  ch: WidgetChannelConfig,
  externalId: string,
  details: { name?: string; email?: string; email_verified?: number; last_seen_at: number },
): Promise<WidgetSessionView> {
  const at = now();
  const visitor: VisitorRow = {
    id: `v_${randomToken(16)}`,
    channel: ch.name,
    external_id: externalId,
    name: details.name ?? null,
    email: details.email ?? null,
    phone: null,
    language: null,
    email_verified: details.email_verified ?? 0,
    contact_id: null,
    created_at: at,
    last_seen_at: at,
  };
  await insertVisitor(rt.ctx.db, visitor);
  return sessionView(rt, ch, visitor);
}

async function adoptAnonymousChat(rt: WidgetRuntime, fromVisitorId: string, toVisitorId: string): Promise<void> {
  await rt.ctx.database.transaction(async (tx) => {
    const open = await openConversation(tx, toVisitorId);
    // The known user's own open chat wins; the anonymous one is moved over only when they have none.
    if (open) return;
    const moving = await openConversation(tx, fromVisitorId);
    if (!moving) return;
    await tx.updateTable('widget_conversations').set({ visitor_id: toVisitorId }).where('id', '=', moving.id).execute();
    await tx
      .updateTable('widget_messages')
      .set({ visitor_id: toVisitorId })
      .where('conversation_id', '=', moving.id)
      .execute();
  });
}
