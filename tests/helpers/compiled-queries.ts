import type { Kysely } from 'kysely';

/** How many queries the query builder compiles while `fn` runs: a prepared path compiles none. */
export async function compiledDuring<DB>(db: Kysely<DB>, fn: () => Promise<unknown>): Promise<number> {
  const executor = db.getExecutor();
  const compileQuery = executor.compileQuery.bind(executor);
  let compiled = 0;
  executor.compileQuery = (...args: Parameters<typeof compileQuery>) => {
    compiled++;
    return compileQuery(...args);
  };
  try {
    await fn();
  } finally {
    executor.compileQuery = compileQuery;
  }
  return compiled;
}

export interface RunQuery {
  sql: string;
  parameters: readonly unknown[];
}

/**
 * Every query run through `db` (not its transactions) while `fn` runs, as the driver receives it:
 * prepared queries included, on either driver.
 */
export async function queriesDuring<DB>(db: Kysely<DB>, fn: () => Promise<unknown>): Promise<RunQuery[]> {
  const executor = db.getExecutor();
  const executeQuery = executor.executeQuery.bind(executor);
  const seen: RunQuery[] = [];
  executor.executeQuery = ((query: Parameters<typeof executeQuery>[0]) => {
    seen.push({ sql: query.sql, parameters: query.parameters });
    return executeQuery(query);
  }) as typeof executeQuery;
  try {
    await fn();
  } finally {
    executor.executeQuery = executeQuery;
  }
  return seen;
}
