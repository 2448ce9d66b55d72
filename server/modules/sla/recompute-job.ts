import type { AppContext } from '../../context.js';
import { now, type DbOrTx } from '../../db/database.js';
import type { KefuEvent } from '../../realtime/events.js';
import { activeTicketIds, listPolicyRows } from './queries.js';
import { recomputeTicket } from './recompute.js';
import { slaChangedEvent } from './sla-events.js';

/**
 * Asks for every open ticket's clocks to be recomputed, in the caller's transaction (a policy
 * change): the stored marker is what makes the work survive a restart. A request while a run is
 * under way sends that run back to the first ticket.
 */
export async function requestRecompute(db: DbOrTx, at: number): Promise<void> {
  await db
    .insertInto('sla_recompute')
    .values({ id: 1, generation: 1, after_ticket_id: 0, requested_at: at })
    .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ generation: eb('sla_recompute.generation', '+', 1), after_ticket_id: 0, requested_at: at })))
    .execute();
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Works through the stored marker in chunks, one short transaction each, yielding between them so
 * requests and intake get the write lock in between. A policy save returns at once; the due times
 * follow within moments, or after a restart from where the marker says.
 */
export class SlaRecomputer {
  /** tickets per transaction */
  chunk = 500;
  /** Called inside each chunk's transaction: a throw there rolls the chunk back as a crash would (tests). */
  onChunk?: (lastTicketId: number) => void;
  #ctx: AppContext | null = null;
  #running: Promise<void> | null = null;
  #again = false;

  start(ctx: AppContext): () => Promise<void> {
    this.#ctx = ctx;
    return async () => {
      this.#ctx = null;
      await this.idle();
    };
  }

  /** Starts a run unless one is under way (which then looks at the marker again before it stops). */
  kick(): void {
    if (!this.#ctx) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    const ctx = this.#ctx;
    this.#running = this.#run(ctx)
      .catch((err: unknown) => ctx.logger.error({ err, subsystem: 'sla' }, 'SLA re-computation stopped; it resumes at the next change or start'))
      .finally(() => {
        this.#running = null;
        if (this.#again) {
          this.#again = false;
          this.kick();
        }
      });
  }

  /** Resolves once no run is under way (and none was asked for meanwhile). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #run(ctx: AppContext): Promise<void> {
    for (;;) {
      if (this.#ctx !== ctx) return;
      this.#again = false;
      const more = await this.#step(ctx);
      if (!more) return;
      await nextTick();
    }
  }

  /** One chunk; false when the marker is gone (all done). */
  async #step(ctx: AppContext): Promise<boolean> {
    return ctx.database.transaction(async (tx, onCommit) => {
      const marker = await tx.selectFrom('sla_recompute').selectAll().where('id', '=', 1).executeTakeFirst();
      if (!marker) return false;
      const ids = await activeTicketIds(tx, marker.after_ticket_id, this.chunk);
      if (ids.length === 0) {
        await tx.deleteFrom('sla_recompute').where('id', '=', 1).where('generation', '=', marker.generation).execute();
        return false;
      }
      const policies = await listPolicyRows(tx);
      const at = now();
      const events: KefuEvent[] = [];
      for (const id of ids) {
        const changed = await recomputeTicket(ctx.businessHours, tx, id, at, policies);
        if (changed) events.push(await slaChangedEvent(tx, changed));
      }
      const last = ids[ids.length - 1]!;
      await tx.updateTable('sla_recompute').set({ after_ticket_id: last }).where('id', '=', 1).where('generation', '=', marker.generation).execute();
      this.onChunk?.(last);
      onCommit(() => events.forEach((e) => ctx.bus.emit(e)));
      return true;
    });
  }
}
