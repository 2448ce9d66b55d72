/**
 * Whether err is a unique-index violation on one index, on either driver. SQLite names the
 * columns in its message ("UNIQUE constraint failed: messages.channel_kind, ...") under code
 * SQLITE_CONSTRAINT_UNIQUE; PostgreSQL gives SQLSTATE 23505 and the index's name.
 */
export function isUniqueViolation(err: unknown, index: { sqliteColumn: string; name: string }): boolean {
  const e = err as { code?: unknown; message?: unknown; constraint?: unknown };
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE') return typeof e.message === 'string' && e.message.includes(index.sqliteColumn);
  return e.code === '23505' && e.constraint === index.name;
}

/** Whether err is a violation of any unique index or primary key, on either driver. */
export function isAnyUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/**
 * Whether err is PostgreSQL aborting a transaction that collided with another one (a deadlock,
 * or a serialization failure): the transaction did nothing, and running it again is the remedy
 * PostgreSQL itself prescribes. SQLite serializes writers in one process and never reports these.
 */
export function isTransactionConflict(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === '40P01' || code === '40001';
}
