#!/usr/bin/env node
import { runCli } from './commands/run-cli.js';

const code = await runCli(process.argv.slice(2));
// `serve` never resolves; every other command is done and must not linger on an open handle.
process.exit(code);
