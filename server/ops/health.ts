/** What a readiness check reports; `message` is shown to operators, so no secrets. */
export interface CheckResult {
  ok: boolean;
  message?: string;
  /** Overrides the check's registered criticality for this result (a check that is critical only sometimes). */
  critical?: boolean;
}

export interface CheckReport {
  status: 'ok' | 'fail';
  critical: boolean;
  message?: string;
}

interface Check {
  run: () => CheckResult | Promise<CheckResult>;
  critical: boolean;
}

export interface HealthReport {
  /** degraded: a non-critical part (say, one mailbox) is failing, the desk still works. */
  status: 'ok' | 'degraded' | 'unavailable';
  checks: Record<string, CheckReport>;
}

const CHECK_TIMEOUT_MS = 2000;

/**
 * Named readiness checks. The database is one; channels add theirs (e.g. `email:support`
 * reporting its IMAP connection). A failing critical check makes /readyz answer 503.
 */
export class HealthChecks {
  readonly #checks = new Map<string, Check>();

  register(name: string, run: Check['run'], opts: { critical?: boolean } = {}): void {
    this.#checks.set(name, { run, critical: opts.critical ?? true });
  }

  unregister(name: string): void {
    this.#checks.delete(name);
  }

  async report(): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.#checks].map(async ([name, check]) => [name, await runCheck(check)] as const),
    );
    const checks = Object.fromEntries(entries);
    const failing = entries.filter(([, r]) => r.status === 'fail');
    const status = failing.some(([, r]) => r.critical) ? 'unavailable' : failing.length > 0 ? 'degraded' : 'ok';
    return { status, checks };
  }
}

async function runCheck(check: Check): Promise<CheckReport> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, message: `no answer within ${CHECK_TIMEOUT_MS} ms` }), CHECK_TIMEOUT_MS);
  });
  try {
    const result = await Promise.race([Promise.resolve().then(check.run), timeout]);
    return {
      status: result.ok ? 'ok' : 'fail',
      critical: result.critical ?? check.critical,
      ...(result.message ? { message: result.message } : {}),
    };
  } catch (err) {
    return { status: 'fail', critical: check.critical, message: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
