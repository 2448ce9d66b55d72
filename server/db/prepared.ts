import type { Compilable, CompiledQuery, DialectAdapter, KyselyPlugin, QueryExecutor, QueryResult } from 'kysely';

/** A Kysely instance or one of its transactions: what a prepared query compiles for and runs on. */
export interface QueryRunner {
  getExecutor(): QueryExecutor;
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

/** The values a prepared query runs with: every parameter given, none undefined. */
export type Bound<P> = { readonly [K in keyof P]-?: Exclude<P[K], undefined> };

/** Stands in for a parameter while the query is built; the compiled query carries it as a bound value. */
class Marker {
  constructor(readonly name: string) {}

  toString(): never {
    throw new Error(`prepared query: parameter "${this.name}" was used as text; pass it to the builder as a value`);
  }
}

interface Compiled {
  readonly plugins: readonly KyselyPlugin[];
  readonly sql: string;
  readonly query: CompiledQuery['query'];
  readonly queryId: CompiledQuery['queryId'];
  /** Per bound value: the parameter's name, or null where `constants` holds a value fixed at build time. */
  readonly names: ReadonlyArray<string | null>;
  readonly constants: readonly unknown[];
}

const samePlugins = (a: readonly KyselyPlugin[], b: readonly KyselyPlugin[]): boolean =>
  a.length === b.length && a.every((p, i) => p === b[i]);

/**
 * A query built and compiled once, then run many times with new values. Building and compiling
 * a query with the builder costs ~20 µs, more than SQLite takes to run most small statements:
 * intake, which runs the same dozen statements for every message, spent ~30% of its main-thread
 * time in Kysely (and in hashing each freshly built SQL string for the statement cache).
 *
 * `build` receives placeholder values for `params` and must give each one to the builder as a
 * value (`where('id', '=', p.id)`, `values({ name: p.name })`, `sql\`... ${p.at}\``), so that each
 * becomes a bound `?` in the SQL. The SQL text is therefore fixed, which rules out what would
 * change it with the builder:
 * - a parameter must not be looked at in `build` (no `if (p.x)`, no spreading `p`): the compiled
 *   text must not depend on a value. A parameter that is read but not bound throws.
 * - a value must not be undefined (the builder would drop that insert column or update key) or an
 *   array (an `in` list has one `?` per item): both throw when run. Give null for SQL NULL, and
 *   JSON columns their JSON text.
 * Values written into `build` itself (`status: 'open'`) are kept as they are.
 *
 * It is compiled on first use for each database (and set of plugins), through that database's
 * executor, so plugins rewrite it as they would the builder's query (literal LIMITs stay literal).
 * Each run goes through `db.executeQuery`, so it runs on a transaction's connection when given
 * one and result plugins still see the rows. Plugins that keep per-query state between rewriting
 * the query and reading its result are not supported: the rewrite happens once.
 */
export class PreparedQuery<D extends QueryRunner, P, R> {
  private readonly byAdapter = new WeakMap<DialectAdapter, Compiled[]>();

  constructor(private readonly build: (db: D, params: P) => Compilable<R>) {}

  /** All rows. */
  async all(db: D, params: Bound<P>): Promise<R[]> {
    return (await this.execute(db, params)).rows;
  }

  /** The first row, if any. */
  async first(db: D, params: Bound<P>): Promise<R | undefined> {
    return (await this.execute(db, params)).rows[0];
  }

  /** The first row; a query that returns none throws (as `executeTakeFirstOrThrow`). */
  async one(db: D, params: Bound<P>): Promise<R> {
    const row = (await this.execute(db, params)).rows[0];
    if (row === undefined) throw new Error('prepared query returned no row');
    return row;
  }

  /** The raw result: affected rows and insert id for statements without RETURNING. */
  execute(db: D, params: Bound<P>): Promise<QueryResult<R>> {
    const c = this.compiledFor(db);
    const parameters: unknown[] = new Array(c.names.length);
    const values = params as Record<string, unknown>;
    for (let i = 0; i < c.names.length; i++) {
      const name = c.names[i];
      if (name === null || name === undefined) {
        parameters[i] = c.constants[i];
        continue;
      }
      const value = values[name];
      if (value === undefined) throw new TypeError(`prepared query: parameter "${name}" is undefined (give null for SQL NULL)`);
      if (Array.isArray(value)) throw new TypeError(`prepared query: parameter "${name}" is an array; a bound value is one scalar`);
      parameters[i] = value;
    }
    const query: CompiledQuery<R> = { sql: c.sql, query: c.query, queryId: c.queryId, parameters };
    return db.executeQuery(query);
  }

  /** The compiled form for this database, for tests and diagnostics. */
  compile(db: D): { sql: string; parameters: ReadonlyArray<{ param: string } | { constant: unknown }> } {
    const c = this.compiledFor(db);
    return {
      sql: c.sql,
      parameters: c.names.map((name, i) => (name === null ? { constant: c.constants[i] } : { param: name })),
    };
  }

  private compiledFor(db: D): Compiled {
    const executor = db.getExecutor();
    // A database and all its transactions share one adapter (and compiler); plugins may differ.
    let list = this.byAdapter.get(executor.adapter);
    if (!list) {
      list = [];
      this.byAdapter.set(executor.adapter, list);
    }
    for (const c of list) if (samePlugins(c.plugins, executor.plugins)) return c;
    const compiled = this.compileWith(db, executor.plugins);
    list.push(compiled);
    return compiled;
  }

  private compileWith(db: D, plugins: readonly KyselyPlugin[]): Compiled {
    const markers = new Map<string, Marker>();
    const params = new Proxy(
      {},
      {
        get(_target, key) {
          if (typeof key !== 'string') return undefined;
          let m = markers.get(key);
          if (!m) {
            m = new Marker(key);
            markers.set(key, m);
          }
          return m;
        },
        ownKeys() {
          throw new Error('prepared query: the parameters cannot be listed or spread; name each one');
        },
      },
    ) as P;
    const compiled = this.build(db, params).compile();
    const names: Array<string | null> = [];
    const constants: unknown[] = [];
    const bound = new Set<string>();
    for (const value of compiled.parameters) {
      if (value instanceof Marker) {
        if (markers.get(value.name) !== value) throw new Error(`prepared query: parameter "${value.name}" belongs to another query`);
        names.push(value.name);
        constants.push(undefined);
        bound.add(value.name);
      } else {
        names.push(null);
        constants.push(value);
      }
    }
    for (const name of markers.keys()) {
      if (!bound.has(name)) {
        throw new Error(`prepared query: parameter "${name}" was read but is not a bound value of the query`);
      }
    }
    return { plugins: [...plugins], sql: compiled.sql, query: compiled.query, queryId: compiled.queryId, names, constants };
  }
}

/**
 * Describes a query once: `prepared((db: DbOrTx, p: { id: number }) => db.selectFrom('t').selectAll().where('id', '=', p.id))`,
 * then `q.first(tx, { id })`. See PreparedQuery for what `build` may do.
 */
export function prepared<D extends QueryRunner, P, R>(build: (db: D, params: P) => Compilable<R>): PreparedQuery<D, P, R> {
  return new PreparedQuery(build);
}
