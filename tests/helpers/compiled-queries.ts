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
