import type { AppContext } from '../../context.js';
import { now, type DbOrTx, type Tx } from '../../db/database.js';
import { enqueue } from '../../outbox/queue.js';
import type { Actor } from '../../realtime/bus.js';
import type { KefuEvent } from '../../realtime/events.js';
import { runAssignment } from '../assignment/assigner.js';
import { localeOf } from '../kb/suggestions.js';
import type { KbLocale } from '../kb/tables.js';
import { messageEvent } from '../tickets/chat-events.js';
import { appendMessage } from '../tickets/messages.js';
import { applyTicketPatch } from '../tickets/patch.js';
import { findTicket, type TicketChanges, type TicketRow } from '../tickets/queries.js';
import { articleUrl, candidateArticles, countBotUse, firstParagraph, type BotArticle } from './articles.js';
import { asksForPerson, decide } from './match.js';
import { loadBotSettings } from './settings.js';
import { botText } from './texts.js';

export const BOT_ACTOR: Actor = { kind: 'automation', rule: 'bot' };

export interface BotMeta {
  kind: 'answer' | 'offers' | 'handoff' | 'solved';
  articles: Array<{ id: number; title: string; url: string }>;
}

export type HandoffReason = 'no_match' | 'asked' | 'button' | 'bot_off';

const HAN = /\p{Script=Han}/u;

/** The visitor's language as the knowledge base knows it: the contact's, else guessed from the message. */
async function visitorLocale(ctx: AppContext, ticket: TicketRow, text: string): Promise<KbLocale> {
  const contact = await ctx.db.selectFrom('contacts').select('language').where('id', '=', ticket.contact_id).executeTakeFirst();
  return localeOf(contact?.language ?? null) ?? (HAN.test(text) ? 'zh-CN' : 'en');
}

/**
 * Holds a new widget chat for the bot when its widget has the bot on: inside intake's transaction,
 * so assignment, which reacts to the ticket only after commit, already sees the flag.
 */
export async function holdForBot(tx: Tx, channel: string, ticketId: number): Promise<boolean> {
  const settings = await loadBotSettings(tx, channel);
  if (!settings.enabled) return false;
  const r = await tx
    .updateTable('tickets')
    .set({ bot_active: 1, bot_handled: 1 })
    .where('id', '=', ticketId)
    .where('assignee_id', 'is', null)
    .where('agent_reply_count', '=', 0)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

interface Line {
  kind: 'bot' | 'system';
  text: string;
  meta: Record<string, unknown>;
}

/** Writes the bot's lines (a 'bot' line goes to the visitor through the outbox) and ticket changes in one transaction. */
async function writeLines(ctx: AppContext, ticketId: number, locale: KbLocale, lines: Line[], changes: TicketChanges, after?: (tx: Tx, t: TicketRow, events: KefuEvent[]) => Promise<TicketRow>): Promise<void> {
  await ctx.database.transaction(async (tx, onCommit) => {
    let ticket = await findTicket(tx, ticketId);
    if (!ticket) return;
    const events: KefuEvent[] = [];
    const at = now();
    for (const [i, line] of lines.entries()) {
      const appended = await appendMessage(
        tx,
        ticket,
        {
          kind: line.kind,
          author: { kind: 'bot', id: null, name: botText(locale, 'name') },
          text: line.text,
          channel: { kind: ticket.channel_kind, name: ticket.channel_name },
          delivery: line.kind === 'bot' ? 'queued' : null,
          meta: line.meta,
          createdAt: at,
        },
        i === lines.length - 1 ? changes : {},
      );
      if (line.kind === 'bot') {
        await enqueue(tx, { kind: ticket.channel_kind, channelName: ticket.channel_name, messageId: appended.message.id, payload: { ticketId } });
      }
      ticket = appended.ticket;
      events.push(await messageEvent(tx, BOT_ACTOR, ticket, appended.message));
    }
    if (after) await after(tx, ticket, events);
    onCommit(() => {
      events.forEach((e) => ctx.bus.emit(e));
      ctx.outbox.nudge();
    });
  });
}

const articleLinks = (ctx: AppContext, articles: readonly BotArticle[]): BotMeta['articles'] =>
  articles.map((a) => ({ id: a.id, title: a.title, url: articleUrl(ctx.config.server.public_url, a) }));

/** Before the bot's first line on a chat: the widget's greeting in the visitor's language, when set. */
async function greetingFor(ctx: AppContext, ticket: TicketRow, locale: KbLocale, greetings: Partial<Record<KbLocale, string>>): Promise<string> {
  const greeting = greetings[locale];
  if (!greeting) return '';
  const spoke = await ctx.db.selectFrom('messages').select('id').where('ticket_id', '=', ticket.id).where('kind', '=', 'bot').limit(1).executeTakeFirst();
  return spoke ? '' : `${greeting}\n\n`;
}

/**
 * The bot's turn on a visitor message while it handles the chat: a confident article answers
 * directly, a weak match offers a few, and no match or a request for a person hands over.
 */
export async function answerMessage(ctx: AppContext, ticketId: number, text: string): Promise<BotMeta['kind'] | null> {
  const ticket = await findTicket(ctx.db, ticketId);
  if (!ticket || ticket.bot_active !== 1) return null;
  const settings = await loadBotSettings(ctx.db, ticket.channel_name);
  const locale = await visitorLocale(ctx, ticket, text);
  if (!settings.enabled) return (await handOver(ctx, ticketId, 'bot_off', locale)) ? 'handoff' : null;
  if (asksForPerson(text)) return (await handOver(ctx, ticketId, 'asked', locale)) ? 'handoff' : null;
  const decision = decide(text, await candidateArticles(ctx, text, locale), settings.threshold, settings.maxOffers);
  if (decision.kind === 'none') return (await handOver(ctx, ticketId, 'no_match', locale)) ? 'handoff' : null;
  const greeting = await greetingFor(ctx, ticket, locale, settings.greetings);
  const shown = decision.kind === 'answer' ? [decision.article] : decision.articles;
  const links = articleLinks(ctx, shown);
  const body =
    decision.kind === 'answer'
      ? `${decision.article.title}\n\n${firstParagraph(decision.article.bodyMd)}\n\n${botText(locale, 'readMore')}: ${links[0]?.url ?? ''}`
      : `${botText(locale, 'offers')}\n${links.map((l) => `- ${l.title}: ${l.url}`).join('\n')}`;
  const meta: BotMeta = { kind: decision.kind, articles: links };
  await writeLines(ctx, ticketId, locale, [{ kind: 'bot', text: `${greeting}${body}`, meta: { bot: meta, event: `bot.${decision.kind}` } }], {});
  await countBotUse(ctx, 'bot_used', shown.map((a) => a.id));
  return decision.kind;
}

/**
 * The bot stops and a person takes over: the visitor is told, the timeline says "Handed to a
 * person", and the chat goes through assignment into the routing queue. Once per bot turn: a chat
 * the bot no longer handles is left alone.
 */
export async function handOver(ctx: AppContext, ticketId: number, reason: HandoffReason, locale?: KbLocale): Promise<boolean> {
  const ticket = await findTicket(ctx.db, ticketId);
  if (!ticket || ticket.bot_active !== 1) return false;
  const lang = locale ?? (await visitorLocale(ctx, ticket, ''));
  const meta: BotMeta = { kind: 'handoff', articles: [] };
  await writeLines(
    ctx,
    ticketId,
    lang,
    [
      { kind: 'bot', text: botText(lang, 'handoff'), meta: { bot: meta, event: 'bot.handoff_notice' } },
      { kind: 'system', text: 'Handed to a person', meta: { event: 'bot.handoff', reason } },
    ],
    { bot_active: 0 },
  );
  await runAssignment(ctx, ticketId);
  return true;
}

/** The latest answer or offers the bot made on the ticket, with the articles it showed. */
async function lastOffer(db: DbOrTx, ticketId: number): Promise<BotMeta | null> {
  const rows = await db.selectFrom('messages').select('meta').where('ticket_id', '=', ticketId).where('kind', '=', 'bot').orderBy('id', 'desc').limit(5).execute();
  for (const row of rows) {
    const meta = (JSON.parse(row.meta) as { bot?: BotMeta }).bot;
    if (meta && (meta.kind === 'answer' || meta.kind === 'offers')) return meta;
  }
  return null;
}

/**
 * "This solved it": the chat is resolved by the bot and, since no agent wrote on it, counted as
 * deflected (tickets.bot_deflected); the articles of the bot's latest answer count a resolution.
 * Refused (false) once an agent has replied or when the bot never answered.
 */
export async function markSolved(ctx: AppContext, ticketId: number): Promise<boolean> {
  const ticket = await findTicket(ctx.db, ticketId);
  if (!ticket || ticket.agent_reply_count > 0 || ticket.status === 'resolved' || ticket.status === 'closed') return false;
  const offer = await lastOffer(ctx.db, ticketId);
  if (!offer) return false;
  const locale = await visitorLocale(ctx, ticket, '');
  await writeLines(
    ctx,
    ticketId,
    locale,
    [
      { kind: 'bot', text: botText(locale, 'solved'), meta: { bot: { kind: 'solved', articles: [] }, event: 'bot.solved_notice' } },
      { kind: 'system', text: 'Solved by the answer bot', meta: { event: 'bot.solved', articles: offer.articles.map((a) => a.id) } },
    ],
    { bot_active: 0, bot_deflected: 1, bot_handled: 1 },
    async (tx, t, events) => {
      const patched = await applyTicketPatch(tx, t, { status: 'resolved' }, BOT_ACTOR, now());
      events.push(...patched.events);
      return patched.ticket;
    },
  );
  await countBotUse(ctx, 'bot_resolved', offer.articles.map((a) => a.id));
  return true;
}

/**
 * The visitor asks the bot (again) while no agent has answered: the bot takes the chat back from
 * the queue and answers the visitor's latest message.
 */
export async function askBot(ctx: AppContext, ticketId: number): Promise<BotMeta['kind'] | null> {
  const ticket = await findTicket(ctx.db, ticketId);
  if (!ticket || ticket.assignee_id !== null || ticket.agent_reply_count > 0) return null;
  if (!(await loadBotSettings(ctx.db, ticket.channel_name)).enabled) return null;
  const last = await ctx.db.selectFrom('messages').select('text').where('ticket_id', '=', ticketId).where('kind', '=', 'inbound').orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!last) return null;
  await ctx.db.updateTable('tickets').set({ bot_active: 1, bot_handled: 1 }).where('id', '=', ticketId).execute();
  // Leaves the queue: assignment does not apply while the bot handles the chat.
  await runAssignment(ctx, ticketId);
  return answerMessage(ctx, ticketId, last.text);
}

/** An agent who writes in the chat takes it over from the bot. */
export async function releaseToAgent(ctx: AppContext, ticketId: number): Promise<void> {
  await ctx.db.updateTable('tickets').set({ bot_active: 0 }).where('id', '=', ticketId).where('bot_active', '=', 1).execute();
}
