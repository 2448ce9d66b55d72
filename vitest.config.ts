import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/bench/**', 'node_modules/**'],
    pool: 'forks',
    globalSetup: ['tests/helpers/postgres-global-setup.ts'],
    // A browser test that signs in and photographs four language and size pairs is CPU-bound: on a
    // loaded 2-core machine with a PostgreSQL server beside it, it came near 30 s. Its waits are
    // capped at 8 s each, so a missing element still fails fast.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits for a condition (a row on screen, a live update arriving); its 1 s default
    // is shorter than a slow 2-core machine, loaded by a PostgreSQL server too, sometimes needs.
    expect: { poll: { timeout: 8_000 } },
    // e2e files share Chromium and ports; two workers match the 2-core CI machine.
    maxWorkers: 2,
  },
});
