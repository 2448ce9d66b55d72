/**
 * database.url holds a password, so nothing here echoes the value: problems name the key and
 * what is wrong, and `redactDatabaseUrl` is the one form of it that may reach a log or a terminal.
 */
const SCHEMES = new Set(['postgres:', 'postgresql:']);

interface DatabaseSection {
  driver?: unknown;
  url?: unknown;
}

export function databaseConfigProblems(database: DatabaseSection | undefined, urlKey = 'database.url'): string[] {
  if (!database || typeof database !== 'object') return [];
  const { driver, url } = database;
  if (driver === 'postgres') {
    if (url === undefined || url === '') {
      return [`${urlKey}: required when database.driver is "postgres" (postgres://user:password@host:5432/kefu)`];
    }
    if (typeof url !== 'string') return [];
    const problem = postgresUrlProblem(url);
    return problem ? [`${urlKey}: ${problem}`] : [];
  }
  if (driver === 'sqlite' && url !== undefined) {
    // Without this, a forgotten `driver: postgres` would quietly start an empty desk on SQLite.
    return [`${urlKey}: set, but database.driver is "sqlite": add driver: postgres to use it, or remove the url`];
  }
  return [];
}

function postgresUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL; expected postgres://user:password@host:5432/kefu';
  }
  if (!SCHEMES.has(parsed.protocol)) {
    // The scheme is not echoed either: in `user:password@host` it is the user name.
    return 'expected a URL starting with postgres:// (or postgresql://)';
  }
  if (parsed.hostname === '') return 'names no host; expected postgres://user:password@host:5432/kefu';
  if (parsed.pathname.replace(/^\//, '') === '') {
    return 'names no database; expected postgres://user:password@host:5432/kefu';
  }
  return null;
}

/** The URL as it may be shown: the password, and any query parameter value, replaced. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()]) parsed.searchParams.set(key, '***');
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}
