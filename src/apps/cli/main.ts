#!/usr/bin/env node
/** Entry point of the `margin-engine` command (see program.ts for commands and exit codes). */
import { run } from './program.js';

run(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 3;
  },
);
