#!/usr/bin/env node
import { runCli } from './commands/run-cli.js';

// Owner-only for everything this process creates. The code chmods the files it names itself, but
// SQLite's journals and temp files, the search thread's index and tar's output take the umask, so
// the umask is the one setting that covers them all (worker threads share it).
process.umask(0o077);

const code = await runCli(process.argv.slice(2));
// `serve` never resolves; every other command is done and must not linger on an open handle.
process.exit(code);
