import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Tx } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import type { RuleChain } from '../../realtime/bus.js';
import type { KefuEvent } from '../../realtime/events.js';
import { runAssignment } from '../assignment/assigner.js';
import type { MessageView, TicketView } from '../tickets/schemas.js';
import { applyActions } from './actions.js';
import { calendarHours, rulesUsingCalendar } from './calendars.js';
import { alwaysOpen, compileConditions, matches, type BusinessHours, type CompiledConditions, type TicketFacts } from './conditions.js';
import { factsFromView, loadFacts, type Trigger } from './facts.js';
import { actionsOf, conditionsOf, type RuleRow } from './presenter.js';
import { brokenReason, loadReferences, type References } from './references.js';
import type { Action, ConditionField, Conditions, RuleEvent } from './schemas.js';
import { timeAnchorOf, type TimeAnchor } from './time-anchor.js';
import { timeFilterOf, type TimeFilter } from './time-filter.js';
import { WEBHOOK_KIND, webhookSender } from './webhook.js';

/** A rule that failed on bad input; the pass is rolled back and run again without it. */
class RuleFailed extends Error {
  constructor(
    readonly rule: LoadedRule,
    message: string,
  ) {
    super(message);
  }
}

/** Whether this (rule, ticket, anchor) has not fired before; records it in the caller's transaction. */
async function firstFire(tx: Tx, ruleId: number, ticketId: number, anchor: number, at: number): Promise<boolean> {
  const fire = await tx
    .insertInto('rule_time_fires')
    .values({ rule_id: ruleId, ticket_id: ticketId, anchor, fired_at: at })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(fire.numInsertedOrUpdatedRows ?? 0) > 0;
}

/**
 * The open tickets a time rule may fire on now: past its threshold, within the look-back window,
 * not yet fired on for this anchor, and passing the rule's plain conditions (status, assignee, team...),
 * so tickets the rule would refuse are not loaded one by one every minute, nor fill the batch.
 * Through the (status, created_at) or (status, last_activity_at) index.
 */
export function timeCandidatesQuery(ruleId: number, anchor: TimeAnchor, at: number, filter: TimeFilter = timeFilterOf({})) {
  const cutoff = at - anchor.minutes * 60_000;
  const column = sql.ref(`t.${anchor.column}`);
  const statuses = filter.statuses.length > 0 ? sql.join(filter.statuses) : sql`null`;
  const where = filter.where.length > 0 ? sql` and ${sql.join(filter.where, sql` and `)}` : sql``;
  return sql<{ id: number; anchor: number }>`select t.id, ${column} as anchor from tickets t
    where t.status in (${statuses}) and ${column} <= ${cutoff} and ${column} > ${cutoff - TIME_LOOKBACK_MS}${where}
      and not exists (select 1 from rule_time_fires f where f.rule_id = ${ruleId} and f.ticket_id = t.id and f.anchor = ${column})
    order by ${column} limit ${TIME_BATCH}`;
}

/** A stored rule made ready to run; one that no longer compiles (a hand-edited row) is broken, not fatal. */
function loadRule(row: RuleRow, refs: References): LoadedRule {
  let conditions: Conditions = {};
  let compiled: CompiledConditions = { all: [], any: [] };
  let actions: Action[] = [];
  let invalid: string | null = null;
  try {
    conditions = conditionsOf(row);
    actions = actionsOf(row);
    compiled = compileConditions(conditions);
  } catch (err) {
    invalid = `cannot be read: ${(err as Error).message}`;
    conditions = {};
  }
  return {
    id: row.id,
    name: row.name,
    event: row.event as RuleEvent,
    compiled,
    actions,
    stopProcessing: row.stop_processing === 1,
    broken: invalid ?? brokenReason(actions, refs),
    anchor: timeAnchorOf(conditions),
    timeFilter: timeFilterOf(conditions),
    readsContact: reads(conditions, ['language', 'contact_attribute']),
    readsBody: reads(conditions, ['body']),
  };
}

const reads = (c: Conditions, fields: ConditionField[]): boolean =>
  [...(c.all ?? []), ...(c.any ?? [])].some((x) => fields.includes(x.field));

/** A chain of rules triggering rules stops after this many steps. */
export const MAX_CHAIN_DEPTH = 5;
/** Deleted teams, agents and labels are noticed within this long even with no rule edited. */
const RELOAD_MS = 5_000;
/** A time rule looks back this far past its threshold, so a server that was down catches up. */
const TIME_LOOKBACK_MS = 24 * 60 * 60 * 1000;
const TIME_BATCH = 500;

export interface LoadedRule {
  id: number;
  name: string;
  event: RuleEvent;
  compiled: CompiledConditions;
  actions: Action[];
  stopProcessing: boolean;
  broken: string | null;
  anchor: TimeAnchor | null;
  timeFilter: TimeFilter;
  /** conditions on what an event's views do not carry: the contact's language or attributes, the body */
  readsContact: boolean;
  readsBody: boolean;
}

interface Work {
  event: RuleEvent;
  ticketId: number;
  trigger: Trigger;
  chain: RuleChain;
  /** the ticket (and message) as the event carried them */
  view?: TicketView | undefined;
  message?: MessageView | undefined;
}

/** Which rules an event wakes, or null for events rules do not listen to. */
export function workOf(event: KefuEvent): Work | null {
  const chain = event.actor.kind === 'automation' && event.actor.chain ? event.actor.chain : { depth: 0, ruleIds: [] };
  switch (event.type) {
    case 'ticket.created':
      return { event: 'ticket.created', ticketId: event.ticketId, trigger: {}, chain, view: event.ticket };
    case 'ticket.updated':
      return { event: 'ticket.updated', ticketId: event.ticketId, trigger: { changed: event.changes }, chain, view: event.ticket };
    case 'message.created': {
      const m = event.message;
      const base = { ticketId: event.ticketId, trigger: { messageId: m.id }, chain, view: event.ticket, message: m };
      if (m.kind === 'inbound') return { event: 'message.customer', ...base };
      if (m.kind === 'outbound' && m.author.kind === 'agent') return { event: 'message.agent', ...base };
      return null;
    }
    default:
      return null;
  }
}

/**
 * Runs the rules. Subscribed to the domain events intake and the ticket service emit (channels and
 * routes never call it), one event at a time so a rule always sees the previous rule's changes.
 */
export class RulesRunner {
  /** Answers the inside/outside-business-hours condition: the shared calendars once started. */
  hours: BusinessHours = alwaysOpen;
  #ctx: AppContext | null = null;
  #rules: { at: number; byEvent: Map<RuleEvent, LoadedRule[]> } | null = null;
  #queue: Promise<void> = Promise.resolve();
  readonly #reported = new Set<string>();
  readonly #clock: () => number;

  constructor(opts: { clock?: () => number } = {}) {
    this.#clock = opts.clock ?? Date.now;
  }

  /** Gives the runner its context without subscribing: a second runner (a test's, on a fake clock) runs only time rules. */
  bind(ctx: AppContext): this {
    this.#ctx = ctx;
    return this;
  }

  start(ctx: AppContext): () => void {
    this.bind(ctx);
    this.hours = calendarHours(ctx);
    const unregister = ctx.outbox.registerSender(WEBHOOK_KIND, webhookSender({ allowPrivateNetworks: ctx.config.webhooks.allow_private_networks }));
    const offCalendars = ctx.businessHours.registerUsers('rule', (id, db) => rulesUsingCalendar(db, id));
    const off = ctx.bus.on('*', (event) => this.handle(event));
    return () => {
      off();
      offCalendars();
      unregister();
    };
  }

  invalidate(): void {
    this.#rules = null;
  }

  /** Resolves once every event handed over so far, and the events its rules caused, is processed. */
  async idle(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.#queue;
      await seen;
    } while (seen !== this.#queue);
  }

  handle(event: KefuEvent): void {
    const work = workOf(event);
    if (!work) return;
    this.#queue = this.#queue.then(() => this.#process(work)).catch((err: unknown) => this.#ctx?.logger.error({ err }, 'rules failed'));
  }

  async rulesFor(event: RuleEvent): Promise<LoadedRule[]> {
    const ctx = this.#need();
    if (!this.#rules || this.#clock() - this.#rules.at > RELOAD_MS || this.#clock() < this.#rules.at) {
      const [rows, refs] = await Promise.all([
        ctx.db.selectFrom('rules').selectAll().where('deleted_at', 'is', null).where('enabled', '=', 1).orderBy('position').orderBy('id').execute(),
        loadReferences(ctx.db),
      ]);
      const byEvent = new Map<RuleEvent, LoadedRule[]>();
      for (const row of rows) {
        const rule = loadRule(row, refs);
        byEvent.set(rule.event, [...(byEvent.get(rule.event) ?? []), rule]);
      }
      this.#rules = { at: this.#clock(), byEvent };
    }
    return this.#rules.byEvent.get(event) ?? [];
  }

  #need(): AppContext {
    if (!this.#ctx) throw new Error('rules runner not started');
    return this.#ctx;
  }

  /** A broken rule is skipped on every event but reported once per reason, not once per ticket. */
  #skipBroken(rule: LoadedRule, reason: string): void {
    const key = `${rule.id}:${reason}`;
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    this.#need().logger.warn({ ruleId: rule.id, rule: rule.name, reason }, 'rule is broken; skipped');
  }

  async #process(work: Work): Promise<void> {
    if (work.chain.depth >= MAX_CHAIN_DEPTH) {
      this.#need().logger.warn({ ticketId: work.ticketId, ruleIds: work.chain.ruleIds }, 'rule chain too deep; stopped');
      return;
    }
    const rules = await this.rulesFor(work.event);
    if (rules.length === 0) return;
    await this.#runRules(rules, work);
  }

  /**
   * One transaction for all the rules an event wakes: a rule sees the changes of the rules before it,
   * and the event costs one commit however many rules act. A rule that fails on bad input (a label
   * deleted since the rules were loaded) is reported broken and the pass is run again without it.
   */
  async #runRules(rules: LoadedRule[], work: Work, timeAnchor?: number): Promise<number> {
    const runnable = rules.filter((rule) => {
      if (rule.broken) this.#skipBroken(rule, rule.broken);
      return !rule.broken && !work.chain.ruleIds.includes(rule.id);
    });
    // Most events match no rule: they are answered from the event's own views (or one read), without a write transaction.
    const facts = await this.#quickFacts(runnable, work);
    const at = this.#clock();
    if (!facts || !runnable.some((rule) => matches(rule.compiled, facts, { now: at, hours: this.hours }))) return 0;
    const failed = new Set<number>();
    for (;;) {
      try {
        const fired = await this.#pass(runnable.filter((r) => !failed.has(r.id)), work, timeAnchor);
        work.chain.ruleIds.push(...fired);
        return fired.length;
      } catch (err) {
        if (!(err instanceof RuleFailed)) throw err;
        failed.add(err.rule.id);
        this.#skipBroken(err.rule, err.message);
      }
    }
  }

  async #quickFacts(rules: LoadedRule[], work: Work): Promise<TicketFacts | null> {
    const fromView = work.view && !rules.some((r) => r.readsContact || (r.readsBody && !work.message));
    if (fromView && work.view) return factsFromView(work.view, work.message, work.trigger.changed ?? []);
    return (await loadFacts(this.#need().db, work.ticketId, work.trigger))?.facts ?? null;
  }

  async #pass(rules: LoadedRule[], work: Work, timeAnchor: number | undefined): Promise<number[]> {
    const ctx = this.#need();
    return ctx.database.transaction(async (tx, onCommit) => {
      const fired: number[] = [];
      const events: KefuEvent[] = [];
      let queued = false;
      let assign = false;
      let loaded = await loadFacts(tx, work.ticketId, work.trigger);
      for (const rule of rules) {
        if (!loaded) break;
        const at = this.#clock();
        if (!matches(rule.compiled, loaded.facts, { now: at, hours: this.hours })) continue;
        if (timeAnchor !== undefined && !(await firstFire(tx, rule.id, work.ticketId, timeAnchor, at))) continue;
        // The events carry the chain's shared list; the caller adds this pass's rules to it once committed.
        const chain = work.chain;
        let result: Awaited<ReturnType<typeof applyActions>>;
        try {
          result = await applyActions(ctx, tx, loaded.ticket, rule, { chain, at, autoSubmitted: loaded.autoSubmitted });
        } catch (err) {
          if (err instanceof AppError && err.status === 400) throw new RuleFailed(rule, err.message);
          throw err;
        }
        fired.push(rule.id);
        events.push(...result.events);
        queued ||= result.queued;
        assign ||= result.runAssignment;
        if (rule.stopProcessing) break;
        loaded = await loadFacts(tx, work.ticketId, work.trigger);
      }
      onCommit(() => {
        events.forEach((e) => ctx.bus.emit(e));
        if (queued) ctx.outbox.nudge();
        // Logged by the assigner if it fails; the rule's own changes are committed either way.
        if (assign) void Promise.resolve(work.ticketId).then((id) => runAssignment(ctx, id)).catch((err: unknown) => ctx.logger.warn({ err, ticketId: work.ticketId }, 'rule could not run assignment'));
      });
      return fired;
    });
  }

  /**
   * The minute job: for each time rule, the open tickets whose anchor time passed the rule's threshold
   * within the look-back window and that it has not fired on for that anchor yet. Safe to run twice:
   * the (rule, ticket, anchor) line is written in the same transaction as the rule's changes.
   * Queued behind event work so a time rule sees what event rules already did.
   */
  runTimeRules(): Promise<number> {
    const run = this.#queue.then(() => this.#timeRun());
    this.#queue = run.then(
      () => undefined,
      (err: unknown) => this.#ctx?.logger.error({ err }, 'time rules failed'),
    );
    return run;
  }

  async #timeRun(): Promise<number> {
    const at = this.#clock();
    let fired = 0;
    for (const rule of await this.rulesFor('time')) {
      if (!rule.anchor) continue;
      for (const c of await this.#timeCandidates(rule, rule.anchor, at)) {
        const work: Work = { event: 'time', ticketId: c.id, trigger: {}, chain: { depth: 0, ruleIds: [] } };
        fired += await this.#runRules([rule], work, c.anchor);
      }
    }
    return fired;
  }

  async #timeCandidates(rule: LoadedRule, anchor: TimeAnchor, at: number): Promise<Array<{ id: number; anchor: number }>> {
    if (rule.timeFilter.statuses.length === 0) return [];
    return (await timeCandidatesQuery(rule.id, anchor, at, rule.timeFilter).execute(this.#need().db)).rows;
  }
}
