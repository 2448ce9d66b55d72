import type { TestProject } from 'vitest/node';
import { startPostgres, type PostgresCluster } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL to the shared cluster's `postgres` database, when KEFU_TEST_DRIVER=postgres. */
    postgresAdminUrl: string | null;
  }
}

let cluster: PostgresCluster | null = null;

/**
 * With KEFU_TEST_DRIVER=postgres, one throwaway cluster serves the whole run: createTestApp
 * gives every app its own database on it, so the suite runs on PostgreSQL unchanged.
 */
export async function setup(project: TestProject): Promise<void> {
  if (process.env.KEFU_TEST_DRIVER !== 'postgres') {
    project.provide('postgresAdminUrl', null);
    return;
  }
  cluster = await startPostgres();
  project.provide('postgresAdminUrl', cluster.url('postgres'));
}

export function teardown(): void {
  cluster?.stop();
}
