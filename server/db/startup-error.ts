/**
 * The database cannot be used as configured (unreachable, refused credentials, a schema from a
 * newer Kefu). Like a config error it is the admin's to fix, so the CLI exits 2 with the message
 * alone; the message names the config key or the versions involved, never a password.
 */
export class DatabaseStartupError extends Error {
  override readonly name = 'DatabaseStartupError';
}
