import { PostgresAdapter, sql, type Expression, type QueryExecutorProvider, type RawBuilder } from 'kysely';

/**
 * Where SQL must differ between SQLite and PostgreSQL, the difference lives here: statements for
 * the migrations, fragments for queries. Migrations keep SQLite's statements word for word (a
 * test holds the SQLite schema byte-identical to the one made before they served PostgreSQL);
 * on PostgreSQL they get the equivalent. Column types, identities and generated columns made
 * through the schema builder are translated by postgres-schema.ts instead.
 */

/** Any Kysely instance or transaction: migrations see the database as Kysely<unknown>. */
type AnyKysely = QueryExecutorProvider;

export function isPostgres(db: AnyKysely): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Run once before the migrations on PostgreSQL: what SQLite has built in and they rely on.
 * `collate nocase` (case-insensitive unique names and emails) becomes a nondeterministic ICU
 * collation of that name, so those statements run verbatim: like SQLite's, it applies where a
 * statement names it, and folds case (all of Unicode's, where SQLite folds ASCII only).
 */
export async function preparePostgresSchema(db: AnyKysely): Promise<void> {
  await sql`do $$ begin
    if not exists (select 1 from pg_collation where collname = 'nocase') then
      create collation nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
    end if;
  end $$`.execute(db);
}

type Statements = RawBuilder<unknown> | ReadonlyArray<RawBuilder<unknown>>;

function asList(statements: Statements): ReadonlyArray<RawBuilder<unknown>> {
  return Array.isArray(statements) ? statements : [statements as RawBuilder<unknown>];
}

/** Runs the SQLite statement there, and the PostgreSQL one (or nothing, when null) on PostgreSQL. */
export async function forDriver(
  db: AnyKysely,
  statements: { sqlite: Statements; postgres: Statements | null },
): Promise<void> {
  const chosen = isPostgres(db) ? statements.postgres : statements.sqlite;
  if (chosen === null) return;
  for (const statement of asList(chosen)) await statement.execute(db);
}

/**
 * PostgreSQL's form of SQLite's `create trigger NAME after EVENT on TABLE begin BODY end`: a
 * plpgsql function holding the body (NEW and OLD as in SQLite) and a row trigger calling it.
 */
export function postgresRowTrigger(name: string, event: string, table: string, body: string): RawBuilder<unknown>[] {
  return [
    sql.raw(`create function ${name}() returns trigger language plpgsql as $fn$ begin
      ${body};
      return null;
    end $fn$`),
    sql.raw(`create trigger ${name} after ${event} on ${table} for each row execute function ${name}()`),
  ];
}

/*
 * Fragments for queries the two drivers spell differently. A prepared query (prepared.ts) is
 * compiled once per database, so a fragment chosen from the db it is built for stays fixed
 * text; on SQLite each is exactly the SQL written before, so its statements are unchanged.
 */

/** A JSON array (as text) of `value` over the group, ordered by `orderBy`; '[]' when empty. */
export function jsonArrayAgg(db: AnyKysely, value: RawBuilder<unknown>, orderBy: RawBuilder<unknown>): RawBuilder<string> {
  return isPostgres(db)
    ? sql<string>`coalesce(json_agg(${value} order by ${orderBy}), '[]')::text`
    : sql<string>`json_group_array(${value} order by ${orderBy})`;
}

/**
 * A JSON object of these keys and values: SQLite's json_object, PostgreSQL's json_build_object.
 * A value that is itself JSON (jsonArrayValue) is nested as JSON; text stays a string.
 */
export function jsonObject(db: AnyKysely, fields: ReadonlyArray<readonly [string, RawBuilder<unknown>]>): RawBuilder<unknown> {
  const args = sql.join(fields.flatMap(([key, value]) => [sql.lit(key), value]));
  return isPostgres(db) ? sql`json_build_object(${args})` : sql`json_object(${args})`;
}

/** jsonObject of these columns of the table or subquery `alias`, each under its own name. */
export function jsonRow(db: AnyKysely, alias: string, names: readonly string[], more: ReadonlyArray<readonly [string, RawBuilder<unknown>]> = []): RawBuilder<unknown> {
  return jsonObject(db, [...names.map((name) => [name, sql.ref(`${alias}.${name}`)] as const), ...more]);
}

/** A JSON value as its text, as a column the caller parses (PostgreSQL's pg would parse json itself). */
export function jsonText(db: AnyKysely, value: RawBuilder<unknown>): RawBuilder<string> {
  return isPostgres(db) ? sql<string>`(${value})::text` : sql<string>`${value}`;
}

/**
 * jsonArrayAgg as JSON rather than text, for nesting in jsonObject, around a scalar subquery that
 * aggregates: SQLite forgets that a subquery's value is JSON, and json() tells it again.
 */
export function jsonArrayValue(db: AnyKysely, subquery: (agg: (value: RawBuilder<unknown>, orderBy: RawBuilder<unknown>) => RawBuilder<unknown>) => RawBuilder<unknown>): RawBuilder<unknown> {
  return isPostgres(db)
    ? sql`coalesce((${subquery((value, orderBy) => sql`json_agg(${value} order by ${orderBy})`)}), '[]'::json)`
    : sql`json((${subquery((value, orderBy) => sql`json_group_array(${value} order by ${orderBy})`)}))`;
}

/** A JSON array of the values, as text (a column value; null stays null). */
export function jsonArrayText(db: AnyKysely, values: readonly RawBuilder<unknown>[]): RawBuilder<string | null> {
  const list = sql.join(values);
  return isPostgres(db) ? sql<string | null>`json_build_array(${list})::text` : sql<string | null>`json_array(${list})`;
}

/** A JSON array of two values (an element for jsonArrayAgg). */
export function jsonPair(db: AnyKysely, a: RawBuilder<unknown>, b: RawBuilder<unknown>): RawBuilder<unknown> {
  return isPostgres(db) ? sql`json_build_array(${a}, ${b})` : sql`json_array(${a}, ${b})`;
}

/**
 * `column in (the integers of a JSON array parameter)`: one statement text for any number of ids.
 * On PostgreSQL as `= any(array)`: the planner takes that for a few values and looks each up in
 * the column's index; as an IN over the JSON's rows it guessed a hundred and, on a table of
 * 20,000 rows, hashed them against a scan of the whole table (a contact's identities, read at
 * every opening of a ticket).
 */
export function inJsonIntegers(db: AnyKysely, column: Expression<unknown>, json: unknown): RawBuilder<boolean> {
  return isPostgres(db)
    ? sql<boolean>`${column} = any(array(select value::bigint from json_array_elements_text(${json}::json)))`
    : sql<boolean>`${column} in (select value from json_each(${json}))`;
}

/** `column in (the strings of a JSON array parameter)`: the text counterpart of inJsonIntegers. */
export function inJsonStrings(db: AnyKysely, column: Expression<unknown>, json: unknown): RawBuilder<boolean> {
  return isPostgres(db)
    ? sql<boolean>`${column} in (select value from json_array_elements_text(${json}::json))`
    : sql<boolean>`${column} in (select value from json_each(${json}))`;
}

/** The larger of two values in one row: SQLite's two-argument max(), PostgreSQL's greatest(). */
export function greatest(db: AnyKysely, a: RawBuilder<unknown>, b: unknown): RawBuilder<number> {
  return isPostgres(db) ? sql<number>`greatest(${a}, ${b})` : sql<number>`max(${a}, ${b})`;
}

/** The integer at `key` of a JSON object held as text; null when absent. */
export function jsonInteger(db: AnyKysely, json: RawBuilder<unknown>, key: string): RawBuilder<number | null> {
  return isPostgres(db)
    ? sql<number | null>`(${json}::json ->> ${sql.lit(key)})::bigint`
    : sql<number | null>`json_extract(${json}, ${sql.lit(`$.${key}`)})`;
}

/** The group's values joined by `separator` (a literal), or null when the group is empty. */
export function stringAgg(db: AnyKysely, value: RawBuilder<unknown>, separator: string): RawBuilder<string | null> {
  return isPostgres(db)
    ? sql<string | null>`string_agg(${value}, ${sql.lit(separator)})`
    : sql<string | null>`group_concat(${value}, ${sql.raw(separator === '\n' ? 'char(10)' : `'${separator.replace(/'/g, "''")}'`)})`;
}

/** A JSON array held as text with one integer appended. */
export function jsonAppendInteger(db: AnyKysely, array: RawBuilder<unknown>, value: number): RawBuilder<string> {
  return isPostgres(db)
    ? sql<string>`(${array}::jsonb || to_jsonb(${value}::bigint))::text`
    : sql<string>`json_insert(${array}, '$[#]', ${value})`;
}

/**
 * Holds the write locks of these rows until the transaction ends, so that reading a row and
 * writing back what was read cannot lose a change made meanwhile (PostgreSQL's read committed
 * lets two transactions read the same row). SQLite runs one transaction at a time: nothing to do.
 */
export async function lockRows(db: AnyKysely, table: string, ids: readonly number[]): Promise<void> {
  if (!isPostgres(db) || ids.length === 0) return;
  // In id order, so two transactions locking overlapping sets cannot deadlock.
  await sql`select id from ${sql.table(table)} where id = any(${[...ids]}::bigint[]) order by id for update`.execute(db);
}

/** Whether `text` holds `part` anywhere (case-sensitive): SQLite's instr(), PostgreSQL's strpos(). */
export function containsText(db: AnyKysely, text: Expression<unknown>, part: unknown): RawBuilder<boolean> {
  return isPostgres(db) ? sql<boolean>`strpos(${text}, ${part}) > 0` : sql<boolean>`instr(${text}, ${part}) > 0`;
}

/** A top-level key of a JSON object held as text, as text (null when absent). */
export function jsonTextField(db: AnyKysely, column: RawBuilder<unknown>, key: string): RawBuilder<string | null> {
  return isPostgres(db) ? sql<string | null>`(${column}::jsonb ->> ${sql.lit(key)})` : sql<string | null>`json_extract(${column}, ${sql.lit(`$.${key}`)})`;
}

/** A JSON object held as text with a top-level key set to a string. */
export function jsonSetText(db: AnyKysely, column: RawBuilder<unknown>, key: string, value: unknown): RawBuilder<string> {
  return isPostgres(db)
    ? sql<string>`jsonb_set(${column}::jsonb, ${sql.lit(`{${key}}`)}, to_jsonb(${value}::text))::text`
    : sql<string>`json_set(${column}, ${sql.lit(`$.${key}`)}, ${value})`;
}

/**
 * The number for a ticket about to be inserted in this transaction. On SQLite, the highest plus
 * one (at least 1001): writers are serialised, so no two tickets get one number; the highest is
 * read by a subquery of its own, which SQLite answers from the end of the index. On PostgreSQL,
 * transactions in several processes read the same highest number: the later insert waited for the
 * earlier one's commit on the unique index, then failed and rolled back its whole intake batch,
 * which made two processes slower than one. There the sequence of migration 0039 hands out the
 * number, never waiting and never the same twice; a number whose transaction rolled back is
 * skipped. Numbers written without it (the seeder, a copy from SQLite) are overtaken on the first
 * call that sees them, moving the sequence past them (two processes doing that at once collide
 * once and intake runs again).
 */
export function nextTicketNumber(db: AnyKysely): RawBuilder<number> {
  return isPostgres(db)
    ? sql<number>`(with s as (select nextval('ticket_numbers') as v), m as (select coalesce(max(number), 1000) as n from tickets)
        select case when s.v > m.n then s.v else setval('ticket_numbers', m.n + 1) end from s, m)`
    : sql<number>`max(coalesce((select max(number) from tickets), 0), 1000) + 1`;
}
