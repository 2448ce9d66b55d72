import type { AppContext } from '../../context.js';
import { NotFound, TooManyRequests } from '../../http/errors.js';
import { sharedLimiter, type AttemptLimiter } from '../../http/attempt-limiter.js';
import type { Alongside } from '../../intake/intake.js';
import type { InboundMessage, IntakeResult } from '../../intake/types.js';
import { withinBusinessHours } from './business-hours.js';
import type { WidgetChannelConfig } from './config-schema.js';
import { VisitorHub } from './hub.js';

export interface OutgoingEmail {
  /** the email channel to send from */
  channel: string;
  to: string;
  subject: string;
  text: string;
  ticketId?: number | undefined;
}

/** What the widget channel needs from the rest of Kefu, handed in by the composition root. */
export interface WidgetDeps {
  intake(message: InboundMessage, alongside?: Alongside): Promise<IntakeResult>;
  /** Queues an email through the outbox; absent when no email sending exists. */
  sendEmail?: ((email: OutgoingEmail) => Promise<void>) | undefined;
}

type LimitName = 'visitorMessages' | 'ipMessages' | 'ipSessions' | 'uploads' | 'ipTranscripts' | 'channelTranscripts';

/** Everything long-lived the widget channel keeps: sockets, rate limits, per-visitor ordering. */
export class WidgetRuntime {
  readonly hub: VisitorHub;
  readonly #limiters = new Map<string, Record<LimitName, AttemptLimiter>>();
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(
    readonly ctx: AppContext,
    readonly deps: WidgetDeps,
  ) {
    const gauge = ctx.metrics.websocketsOpen;
    this.hub = new VisitorHub((delta) => (delta > 0 ? gauge.inc({ hub: 'widget' }) : gauge.dec({ hub: 'widget' })));
  }

  channel(name: string): WidgetChannelConfig {
    const found = this.ctx.config.channels.widget.find((c) => c.name === name);
    if (!found) throw new NotFound('widget');
    return found;
  }

  /** Someone can answer live: inside business hours and, unless configured otherwise, an agent online. */
  online(channel: WidgetChannelConfig, at = new Date()): boolean {
    if (!withinBusinessHours(channel.business_hours, at, (id) => this.ctx.businessHours.calendar(id))) return false;
    return !channel.offline_when_no_agent || this.ctx.presence.onlineCount() > 0;
  }

  /**
   * Throws 429 when `key` used up its budget on the named limit, counting this attempt otherwise.
   * Counted across processes when several share PostgreSQL.
   */
  async limit(channel: WidgetChannelConfig, name: LimitName, key: string): Promise<void> {
    const wait = await this.#limitersFor(channel)[name].attempt(key);
    if (wait > 0) throw new TooManyRequests('Too many requests; slow down.', wait);
  }

  /**
   * Runs fn after every earlier fn for the same key finished: one visitor's messages are handled
   * strictly in the order they arrived, whichever tab sent them.
   */
  serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.#queues.get(key) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const settled = run.catch(() => undefined);
    this.#queues.set(key, settled);
    void settled.then(() => {
      if (this.#queues.get(key) === settled) this.#queues.delete(key);
    });
    return run;
  }

  #limitersFor(channel: WidgetChannelConfig): Record<LimitName, AttemptLimiter> {
    let found = this.#limiters.get(channel.name);
    if (!found) {
      const r = channel.rate_limits;
      const limiter = (name: LimitName, max: number, windowMs: number) => sharedLimiter(this.ctx.database, `widget:${channel.name}:${name}`, max, windowMs);
      found = {
        visitorMessages: limiter('visitorMessages', r.visitor_messages_per_minute, 60_000),
        ipMessages: limiter('ipMessages', r.ip_messages_per_minute, 60_000),
        ipSessions: limiter('ipSessions', r.ip_sessions_per_minute, 60_000),
        uploads: limiter('uploads', r.visitor_uploads_per_minute, 60_000),
        ipTranscripts: limiter('ipTranscripts', r.ip_transcripts_per_hour, 3_600_000),
        channelTranscripts: limiter('channelTranscripts', r.channel_transcripts_per_hour, 3_600_000),
      };
      this.#limiters.set(channel.name, found);
    }
    return found;
  }
}
