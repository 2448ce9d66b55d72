import type { AppContext } from '../../context.js';
import type { KefuEvent } from '../../realtime/events.js';
import { answerMessage, askBot, handOver, markSolved, releaseToAgent } from './service.js';

type MessageCreated = Extract<KefuEvent, { type: 'message.created' }>;

/**
 * The answer bot for one process, driven by domain events only: a visitor message on a chat the
 * bot handles, a visitor's bot button, an agent's reply. Its turns run one after another, so two
 * quick messages never get two answers computed from the same state.
 */
export class AnswerBot {
  #chain: Promise<unknown> = Promise.resolve();
  readonly #offs: Array<() => void> = [];

  constructor(private readonly ctx: AppContext) {}

  start(): () => void {
    const bus = this.ctx.bus;
    this.#offs.push(
      bus.on('message.created', (e) => this.#onMessage(e)),
      bus.on('widget.bot', (e) => {
        const { ticketId } = e;
        if (e.action === 'solved') this.#soon(() => markSolved(this.ctx, ticketId));
        else if (e.action === 'human') this.#soon(() => handOver(this.ctx, ticketId, 'button'));
        else this.#soon(() => askBot(this.ctx, ticketId));
      }),
    );
    return () => this.#offs.splice(0).forEach((off) => off());
  }

  /** Waits for every turn queued so far. */
  idle(): Promise<void> {
    return this.#chain.then(() => undefined);
  }

  #onMessage(e: MessageCreated): void {
    if (e.ticket.channel.kind !== 'widget') return;
    // The flag is read afresh in the turn: the event's ticket view may predate the hold set in intake.
    if (e.message.kind === 'inbound') this.#soon(() => answerMessage(this.ctx, e.ticketId, e.message.text));
    else if (e.message.kind === 'outbound' && e.actor.kind === 'agent' && e.ticket.bot.active) this.#soon(() => releaseToAgent(this.ctx, e.ticketId));
  }

  #soon(fn: () => Promise<unknown>): void {
    this.#chain = this.#chain.then(fn).catch((err: unknown) => this.ctx.logger.error({ err, subsystem: 'bot' }, 'answer bot turn failed'));
  }
}

const bots = new WeakMap<AppContext, AnswerBot>();

/** Starts the answer bot for this context; its stop function unsubscribes and waits for the turns under way. */
export function startAnswerBot(ctx: AppContext): () => Promise<void> {
  const bot = new AnswerBot(ctx);
  bots.set(ctx, bot);
  const off = bot.start();
  return () => {
    off();
    return bot.idle();
  };
}

export function answerBotOf(ctx: AppContext): AnswerBot {
  const bot = bots.get(ctx);
  if (!bot) throw new Error('the answer bot is not started');
  return bot;
}
