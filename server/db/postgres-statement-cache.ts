import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

/** Named statements kept per connection; the oldest is deallocated past this. */
const MAX_PER_CONNECTION = 200;

/** PostgreSQL's answer when a table a kept statement reads changed shape (a migration ran since). */
const CHANGED_RESULT_TYPE = 'cached plan must not change result type';

/**
 * Marks a statement to be planned with its values on every run instead of kept (put it right
 * after `select`, as Kysely's modifyFront does). A kept statement gets a generic plan, made
 * without looking at the values: right for most statements, wrong where the best plan depends
 * on them. A full-text match is one: a rare word is found through the GIN index, a common one by
 * walking the newest rows until enough match; a generic plan picks one walk for every word, and
 * the newest-first walk read every document (a million on a large helpdesk) for a word found in
 * none. Planning costs ~0.5 ms of the server's CPU each time.
 */
export const PLAN_EACH_RUN = '/* plan each run */';

const PLANNED_SELECT = `select ${PLAN_EACH_RUN}`;

/** Statements that may change a table's columns (DDL is sent without parameters). */
const SCHEMA_CHANGE = /^\s*(create|alter|drop|do)\b/i;

interface Kept {
  names: Map<string, string>;
  next: number;
  /** Evicted statements, deallocated before the connection's next statement (one query at a time per connection). */
  evicted: string[];
}

/**
 * The pool as Kysely sees it, with each statement that has parameters sent as a named prepared
 * statement of its connection. PostgreSQL then plans it once per connection (a generic plan after
 * a few runs) instead of on every run: planning the ticket page's five joins and the timeline's
 * eight cost 3–4 ms of the server's CPU per run, more than running them (0.1–0.8 ms once kept).
 * Statements without parameters keep the simple protocol (several commands in one text, as
 * migrations send them). SQLite does the same with its statement cache (statement-cache.ts).
 */
export function poolWithStatementCache(pool: pg.Pool, max = MAX_PER_CONNECTION): PostgresPool {
  // One wrapper per connection, so its statements and Kysely's per-connection state last as long as it.
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      let wrapper = wrapped.get(client);
      if (!wrapper) {
        wrapper = wrapClient(client, { names: new Map(), next: 0, evicted: [] }, max);
        wrapped.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

function wrapClient(client: pg.PoolClient, state: Kept, max: number): PostgresPoolClient {
  const nameOf = (text: string): string => {
    let name = state.names.get(text);
    if (name !== undefined) return name;
    if (state.names.size >= max) {
      // Oldest first out: the app has a few hundred statements, so eviction is for callers that
      // build a new text per call (IN lists of every length) and not worth an LRU's upkeep.
      const [oldText, oldName] = state.names.entries().next().value as [string, string];
      state.names.delete(oldText);
      state.evicted.push(oldName);
    }
    name = `kefu_${++state.next}`;
    state.names.set(text, name);
    return name;
  };

  const deallocateEvicted = async (): Promise<void> => {
    if (state.evicted.length === 0) return;
    const names = state.evicted.splice(0);
    // In a failed transaction this fails too and the statements stay until the connection
    // closes, which is harmless.
    await client.query(names.map((n) => `deallocate ${n}`).join('; ')).catch(() => undefined);
  };

  async function run<R>(text: string, values: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
    await deallocateEvicted();
    if (values.length === 0) {
      const result = (await client.query(text, [])) as unknown as PostgresQueryResult<R>;
      if (SCHEMA_CHANGE.test(text) && state.names.size > 0) {
        // A kept `select *` of a table that changed shape fails, inside a transaction for good:
        // migrations run in one, so the connection's statements go with the schema they knew.
        state.names.clear();
        await client.query('deallocate all');
      }
      return result;
    }
    // Unnamed: PostgreSQL plans it when the values are bound.
    if (text.startsWith(PLANNED_SELECT)) return (await client.query(text, [...values])) as unknown as PostgresQueryResult<R>;
    try {
      return (await client.query({ name: nameOf(text), text, values: [...values] })) as unknown as PostgresQueryResult<R>;
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes(CHANGED_RESULT_TYPE)) throw err;
      const stale = state.names.get(text);
      state.names.delete(text);
      if (stale) state.evicted.push(stale);
      // Outside a transaction nothing was lost: run it again, prepared afresh. Inside one the
      // transaction has failed and its caller sees the error.
      if (client.getTransactionStatus() !== 'I') throw err;
      await deallocateEvicted();
      return (await client.query({ name: nameOf(text), text, values: [...values] })) as unknown as PostgresQueryResult<R>;
    }
  }

  function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  function query<R>(first: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof first !== 'string') return client.query(first as unknown as pg.Submittable) as unknown as PostgresCursor<R>;
    return run<R>(first, parameters ?? []);
  }

  return { query, release: () => client.release() };
}
