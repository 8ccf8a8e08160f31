/** The command line as a library: `run(argv)` returns the exit code; `buildProgram` for embedding. */
export { run, buildProgram, EXIT, CLI_DEFAULT_VAR_METHOD } from './program.js';
export type { CliIo } from './program.js';
export { formatOutput, formatTable } from './format.js';
export type { OutputFormat } from './format.js';
