import type { AppContext } from '../../context.js';

const PROBE_EVERY_MS = 5 * 60_000;

/**
 * Reports a channel's credentials in /readyz (not critical: one broken channel leaves the desk
 * working). The check itself never calls the provider; a timer does, at start and periodically,
 * so a readiness poll costs nothing.
 */
/** Resolves once the first check has an answer. */
export function startCredentialProbes(ctx: AppContext, name: string, probe: () => Promise<void>, everyMs = PROBE_EVERY_MS): Promise<void> {
  let state: { ok: boolean; message?: string } = { ok: false, message: 'checking credentials' };
  const run = (): Promise<void> =>
    probe().then(
      () => {
        state = { ok: true };
      },
      (err: unknown) => {
        state = { ok: false, message: `credentials check failed: ${(err instanceof Error ? err.message : String(err)).slice(0, 200)}` };
        ctx.logger.warn({ check: name, err }, 'channel credentials check failed');
      },
    );
  ctx.health.register(name, () => state, { critical: false });
  const first = run();
  const timer = setInterval(() => void run(), everyMs);
  timer.unref();
  ctx.onClose(() => {
    clearInterval(timer);
    ctx.health.unregister(name);
  });
  return first;
}
