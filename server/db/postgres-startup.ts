import { DatabaseStartupError } from './startup-error.js';
import { openPostgres, type PostgresDatabase, type PostgresOptions } from './postgres.js';

/** SQLSTATEs and socket codes an admin can act on, in their words. */
function explain(err: unknown, url: URL): string {
  const code = (err as { code?: unknown }).code;
  const where = `${url.hostname}:${url.port || '5432'}`;
  const user = decodeURIComponent(url.username) || '(no user)';
  const database = decodeURIComponent(url.pathname.slice(1));
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${where}: is PostgreSQL running and listening there?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host ${url.hostname} not found`;
    case 'ETIMEDOUT':
      return `no answer from ${where}`;
    case '28P01':
    case '28000':
      return `PostgreSQL at ${where} refused user ${user}: wrong password, or no pg_hba.conf entry for it`;
    case '3D000':
      return `database ${database} does not exist on ${where} (create it: createdb -O ${user} ${database})`;
    default: {
      const message = err instanceof Error ? err.message : String(err);
      // pg's own messages name hosts and users, not passwords; the URL is still kept out.
      return `cannot connect to ${where}: ${message.includes(url.password || '\u0000') ? 'connection failed' : message}`;
    }
  }
}

/**
 * Opens the pool and makes one round trip, so a wrong url, a refused connection or a refused
 * login stops start-up with a message naming database.url instead of failing the first request.
 */
export async function connectPostgres(options: PostgresOptions & { urlKey?: string }): Promise<PostgresDatabase> {
  const database = openPostgres(options);
  try {
    await database.ping();
    return database;
  } catch (err) {
    await database.close().catch(() => undefined);
    const reason = explain(err, new URL(options.url));
    throw new DatabaseStartupError(`${options.urlKey ?? 'database.url'}: ${reason} (${database.url})`, { cause: err });
  }
}
