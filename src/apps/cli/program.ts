/**
 * The `margin-engine` command line: one subcommand per operation of the service's operations table
 * (var, margin, liquidation, stress, backtest) taking the same JSON request as the HTTP API
 * (`--input file.json`, `-` for stdin) plus a few flags, and `serve` / `worker` for the service and
 * the scale-out workers. Commands stay thin: parse, call the engine or module, format.
 *
 * Exit codes: 0 ok; 2 usage or validation error (the field is named); 3 runtime failure;
 * 130 interrupted (SIGINT aborts the running job).
 */
import { accessSync, constants, mkdirSync, readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { createEngine } from '../../engine/index.js';
import type { Engine, Progress } from '../../engine/index.js';
import { VAR_METHOD_TABLE } from '../../engine/index.js';
import { MARGIN_MODEL_NAMES } from '../../margin/index.js';
import { AbortError, SolverError, ValidationError, describeValue } from '../../errors/index.js';
import { OPERATIONS } from '../../engine/index.js';
import type { Operation } from '../../engine/index.js';
import type { ServiceLimits } from '../service/index.js';
import { DEFAULT_QUEUE_NAME } from '../cluster/index.js';
import { formatOutput } from './format.js';
import { addVenueCommand } from './venue.js';
import type { OutputFormat } from './format.js';

// serve and worker load Fastify / BullMQ / pino only when they run: the other commands start faster

export const EXIT = { OK: 0, USAGE: 2, RUNTIME: 3, INTERRUPTED: 130 } as const;

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Whether stderr is a terminal (progress bars by default). */
  stderrIsTTY: boolean;
  readStdin: () => string;
}

const defaultIo = (): CliIo => ({
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  stderrIsTTY: process.stderr.isTTY === true,
  readStdin: () => readFileSync(0, 'utf8'),
});


type Obj = Record<string, unknown>;

function obj(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (v === undefined) return (parent[key] = {}) as Obj;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ValidationError(key, 'type', `must be an object; got ${describeValue(v)}`, v);
  return v as Obj;
}

/** `1e6,2e6` → [1000000, 2000000]; a bad entry stays NaN and fails validation naming the field. */
function numbers(s: string): number[] {
  return s.split(',').map((x) => (x.trim() === '' ? Number.NaN : Number(x)));
}

const num = (s: string): number => (s.trim() === '' ? Number.NaN : Number(s));

function readInput(path: string | undefined, io: CliIo): Obj {
  if (path === undefined) return {};
  let text: string;
  try {
    text = path === '-' ? io.readStdin() : readFileSync(path, 'utf8');
  } catch (e) {
    throw new ValidationError('--input', 'readable', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, path);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ValidationError('--input', 'json', `${path} is not valid JSON: ${(e as Error).message}`, path);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ValidationError('--input', 'type', `${path} must hold a JSON object (the request); got ${describeValue(v)}`, path);
  return v as Obj;
}

/**
 * Per-operation flags on top of `--input`: declared options, how they fill the request, and the
 * request fields each flag fills (by option attribute name, most specific flag first), so an error
 * on a field a flag filled names the flag the user typed.
 */
interface CliEntry {
  options: Option[];
  apply(body: Obj, o: Obj): void;
  fields: Readonly<Record<string, readonly string[]>>;
  examples: string[];
}

/**
 * The VaR method when neither `-m` nor the `--input` request sets one. A CLI default only (the
 * library and the HTTP API keep `options.method` required): parametric is exact for the normal
 * model, instant, deterministic and reads what `--vols`/`--correlation` give.
 */
export const CLI_DEFAULT_VAR_METHOD = 'parametric';

/** (field, flag) pairs of the flags given in `o`, in the entry's order. */
function flagFields(entry: CliEntry, o: Obj): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const longOf = new Map(entry.options.map((opt) => [opt.attributeName(), opt.long ?? opt.flags]));
  for (const [attr, fields] of Object.entries(entry.fields)) {
    if (o[attr] === undefined) continue;
    for (const f of fields) out.push([f, longOf.get(attr) ?? attr]);
  }
  return out;
}

/**
 * Runs `f`; a ValidationError on a field one of `flags` filled is raised again naming the flag
 * (the message keeps the request field), the one error path for bad files and bad flag values.
 */
async function namingFlags<T>(flags: ReadonlyArray<readonly [field: string, flag: string]>, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    const hit = flags.find(([field]) => e.field === field || e.field.startsWith(`${field}[`) || e.field.startsWith(`${field}.`));
    if (!hit) throw e;
    throw new ValidationError(hit[1], e.rule, e.message, e.value);
  }
}

const CLI: Record<string, CliEntry> = {
  var: {
    options: [
      new Option('--exposures <list>', 'comma-separated exposure per factor (portfolio.exposures)'),
      new Option('--vols <list>', 'comma-separated daily vol per factor (market.vols)'),
      new Option('--correlation <rho>', 'uniform correlation between factors, with --vols (default 0)'),
      new Option('-m, --method <method>', `${VAR_METHOD_TABLE.map((m) => m.name).join(' | ')} (options.method; default: ${CLI_DEFAULT_VAR_METHOD} when --input sets none — a CLI default, the API requires it)`),
      new Option('--attribution', 'component and marginal ES by factor'),
      new Option('-c, --confidence <list>', 'confidence level(s), e.g. 0.99 or 0.975,0.99'),
      new Option('-s, --scenarios <n>', 'Monte Carlo scenarios'),
      new Option('--seed <n>', 'random seed (same seed, same numbers)'),
      new Option('--horizon-days <h>', 'horizon in days'),
      new Option('--df <nu>', 'Student-t degrees of freedom (mc-t)'),
    ],
    apply(body, o) {
      const p = obj(body, 'portfolio');
      const m = obj(body, 'market');
      const opt = obj(body, 'options');
      if (o.exposures !== undefined) p.exposures = numbers(o.exposures as string);
      if (o.vols !== undefined) {
        const vols = numbers(o.vols as string);
        const rho = o.correlation === undefined ? 0 : num(o.correlation as string);
        m.vols = vols;
        m.correlation = vols.map((_, i) => vols.map((__, j) => (i === j ? 1 : rho)));
      }
      if (o.method !== undefined) opt.method = o.method;
      else if (opt.method === undefined) opt.method = CLI_DEFAULT_VAR_METHOD;
      if (o.confidence !== undefined) {
        const c = numbers(o.confidence as string);
        opt.confidence = c.length === 1 ? c[0] : c;
      }
      if (o.scenarios !== undefined) opt.scenarios = num(o.scenarios as string);
      if (o.seed !== undefined) opt.seed = num(o.seed as string);
      if (o.horizonDays !== undefined) opt.horizonDays = num(o.horizonDays as string);
      if (o.df !== undefined) opt.df = num(o.df as string);
      if (o.attribution === true) opt.attribution = true;
    },
    fields: {
      exposures: ['portfolio.exposures'],
      correlation: ['market.correlation'],
      vols: ['market.vols', 'market.correlation'],
      method: ['options.method'],
      confidence: ['options.confidence'],
      scenarios: ['options.scenarios'],
      seed: ['options.seed'],
      horizonDays: ['options.horizonDays'],
      df: ['options.df'],
    },
    examples: [
      'margin-engine var --exposures 1e6,-4e5 --vols 0.03,0.04 --correlation 0.6 -m mc-normal -s 1e6 --seed 7',
      'margin-engine var --input book.json --format json > var.json',
      'cat book.json | margin-engine var --input - -m mc-t --df 4 -c 0.975,0.99 --progress',
    ],
  },
  margin: {
    options: [
      new Option('--model <model>', `${MARGIN_MODEL_NAMES.join(' | ')} (options.model)`),
      new Option('--daily-vol <vol>', 'tiered: daily vol for distance-to-liquidation in sigmas'),
    ],
    apply(body, o) {
      const opt = obj(body, 'options');
      if (o.model !== undefined) opt.model = o.model;
      if (o.dailyVol !== undefined) opt.dailyVol = num(o.dailyVol as string);
    },
    fields: { model: ['options.model'], dailyVol: ['options.dailyVol'] },
    examples: [
      'margin-engine margin --input account.json --model tiered',
      'margin-engine margin --input options-book.json --model scenario-grid --format json',
      'margin-engine margin --input book-with-history.json --model var-es',
    ],
  },
  liquidation: {
    options: [new Option('--daily-vol <vol>', 'daily vol for the distance in sigmas')],
    apply(body, o) {
      if (o.dailyVol !== undefined) obj(body, 'options').dailyVol = num(o.dailyVol as string);
    },
    fields: { dailyVol: ['options.dailyVol'] },
    examples: ['margin-engine liquidation --input account.json --daily-vol 0.035'],
  },
  whatif: {
    options: [
      new Option('--models <list>', 'models to compare: tiered, scenario-grid, var-es (comma-separated)'),
      new Option('--daily-vol <vol>', 'daily vol for the distance to liquidation in sigmas'),
      new Option('--target-buffer <pct>', 'report the smallest deposit or cut restoring this distance to liquidation (%)'),
    ],
    apply(body, o) {
      if (o.models !== undefined) obj(body, 'options').models = String(o.models).split(',').map((x) => x.trim());
      if (o.dailyVol !== undefined) obj(body, 'options').dailyVol = num(o.dailyVol as string);
      if (o.targetBuffer !== undefined) obj(body, 'options').targetBuffer = { percent: num(o.targetBuffer as string) };
    },
    fields: { models: ['options.models'], dailyVol: ['options.dailyVol'], targetBuffer: ['options.targetBuffer'] },
    examples: [
      'margin-engine whatif --input order.json --models tiered,scenario-grid --daily-vol 0.035',
      'margin-engine whatif --input bybit-order.json --target-buffer 10 --format json',
    ],
  },
  stress: {
    options: [new Option('--type <type>', 'book | hypothetical | reverse-worst | reverse-uniform | default-fund | waterfall')],
    apply(body, o) {
      if (o.type !== undefined) body.type = o.type;
    },
    fields: { type: ['type'] },
    examples: [
      'margin-engine stress --input book.json --type book',
      'margin-engine stress --input scenarios.json --type hypothetical',
      'margin-engine stress --input members.json --type default-fund',
    ],
  },
  backtest: {
    options: [
      new Option('--type <type>', 'forecasts | rolling | recalibrate'),
      new Option('-c, --confidence <a>', 'VaR confidence level'),
      new Option('--window <n>', 'rolling: observations per forecast'),
      new Option('--forecaster <f>', 'rolling: historical | ewma'),
    ],
    apply(body, o) {
      if (o.type !== undefined) body.type = o.type;
      if (o.confidence !== undefined) body.confidence = num(o.confidence as string);
      if (o.window !== undefined) body.window = num(o.window as string);
      if (o.forecaster !== undefined) body.forecaster = o.forecaster;
    },
    fields: { type: ['type'], confidence: ['confidence'], window: ['window'], forecaster: ['forecaster'] },
    examples: [
      'margin-engine backtest --input pnl.json --type rolling --window 250 -c 0.99 --forecaster historical',
      'margin-engine backtest --input losses.json --type recalibrate --window 250 -c 0.99',
    ],
  },
  optimize: {
    options: [
      new Option('--kind <kind>', 'cvar | grid-hedge | collateral | deleverage | kelly (problem.kind)'),
      new Option('--time-limit <s>', 'solver time limit in seconds'),
    ],
    apply(body, o) {
      if (o.kind !== undefined) obj(body, 'problem').kind = o.kind;
      if (o.timeLimit !== undefined) obj(body, 'options').timeLimit = num(o.timeLimit as string);
    },
    fields: { kind: ['problem.kind'], timeLimit: ['options.timeLimit'] },
    examples: [
      'margin-engine optimize --input hedge.json --kind grid-hedge',
      'margin-engine optimize --input collateral.json --kind collateral --format json',
    ],
  },
  covariance: {
    options: [new Option('--method <method>', 'sample | ewma | ledoit-wolf (options.method)')],
    apply(body, o) {
      if (o.method !== undefined) obj(body, 'options').method = o.method;
    },
    fields: { method: ['options.method'] },
    examples: ['margin-engine covariance --input returns.json --method ledoit-wolf --format json'],
  },
};

/** Progress bar on stderr for long Monte Carlo runs (TTY, or forced with --progress). */
function progressReporter(total: number | undefined, enabled: boolean, io: CliIo, label = 'scenarios'): { onProgress?: (p: Progress) => void; stop(): void } {
  if (!enabled || total === undefined) return { stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: label === 'scenarios' ? 'scenarios {bar} {percentage}% | {value}/{total} | eta {eta_formatted}' : `${label} {bar} {percentage}% | iteration {iteration} | gap {gap}`,
      stream: process.stderr,
      noTTYOutput: !io.stderrIsTTY,
      notTTYSchedule: 1000,
      hideCursor: io.stderrIsTTY,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { iteration: 0, gap: '-' });
  let stopped = false;
  return {
    onProgress(p) {
      bar.update(p.done, p.iteration === undefined ? {} : { iteration: p.iteration, gap: p.gap === undefined ? '-' : p.gap.toExponential(1) });
    },
    stop() {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}

/** Resolves at the first SIGINT/SIGTERM (a second one exits at once with 130). */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const first = (sig: NodeJS.Signals): void => {
      process.off('SIGINT', first);
      process.off('SIGTERM', first);
      process.once('SIGINT', () => process.exit(EXIT.INTERRUPTED));
      process.once('SIGTERM', () => process.exit(EXIT.INTERRUPTED));
      resolve(sig);
    };
    process.on('SIGINT', first);
    process.on('SIGTERM', first);
  });
}

function positiveInt(field: string, s: unknown): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new ValidationError(field, 'range', `must be a positive integer; got ${describeValue(s)}`, s);
  return n;
}

function nonNegativeInt(field: string, s: unknown): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!(typeof s === 'string' && /^\d+$/.test(s.trim()) && Number.isSafeInteger(n))) throw new ValidationError(field, 'range', `must be a whole number ≥ 0; got ${describeValue(s)}`, s);
  return n;
}

/** Creates `dir` if needed and checks it is writable, before a service starts writing into it. */
function writableDir(field: string, dir: string): string {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new ValidationError(field, 'writable', `cannot write to ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, dir);
  }
  return dir;
}

function portNumber(field: string, s: unknown): number {
  const n = Number(s);
  if (!(typeof s === 'string' && /^\d+$/.test(s) && n <= 65_535)) throw new ValidationError(field, 'range', `must be a port number in [0, 65535]; got ${describeValue(s)}`, s);
  return n;
}

function byteSize(field: string, s: unknown): number | undefined {
  if (s === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(String(s).trim());
  if (!m) throw new ValidationError(field, 'format', `must be a size like 512kb or 8mb; got ${describeValue(s)}`, s);
  const mult = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b'];
  return Math.floor(Number(m[1]) * mult);
}

async function runOperation(op: Operation, entry: CliEntry, o: Obj, io: CliIo): Promise<void> {
  const body = readInput(o.input as string | undefined, io);
  await namingFlags(flagFields(entry, o), () => runRequest(op, entry, body, o, io));
}

async function runRequest(op: Operation, entry: CliEntry, body: Obj, o: Obj, io: CliIo): Promise<void> {
  entry.apply(body, o);
  const req = op.parse(body);
  const ctl = new AbortController();
  const onSigint = (): void => {
    ctl.abort(new Error('SIGINT'));
    process.once('SIGINT', () => process.exit(EXIT.INTERRUPTED));
  };
  process.once('SIGINT', onSigint);
  let engine: Engine | undefined;
  let progress: ReturnType<typeof progressReporter> = { stop() {} };
  try {
    engine = await createEngine({ threads: positiveInt('--threads', o.threads), wasm: o.wasm === false ? false : 'auto' });
    progress = progressReporter(op.progressTotal?.(req), o.progress === true || (o.progress !== false && io.stderrIsTTY), io, op.name === 'optimize' ? 'ES bound gap' : 'scenarios');
    if (ctl.signal.aborted) throw new AbortError(ctl.signal.reason);
    const result = await op.run(req, { engine, signal: ctl.signal, onProgress: progress.onProgress });
    progress.stop();
    if (ctl.signal.aborted) throw new AbortError(ctl.signal.reason);
    io.stdout(`${formatOutput(result, (o.format as OutputFormat) ?? 'table')}\n`);
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
    await engine?.close();
  }
}

/** Builds the commander program; `io` lets tests capture output. */
export function buildProgram(io: CliIo = defaultIo()): Command {
  const program = new Command('margin-engine')
    .description('VaR/ES, exchange and portfolio margin, liquidation, stress and backtests of crypto and derivatives portfolios')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(add --help for usage and examples)');

  for (const op of Object.values(OPERATIONS)) {
    const entry = CLI[op.name] ?? { options: [], apply() {}, fields: {}, examples: [`margin-engine ${op.name} --input request.json`] };
    const cmd = program
      .command(op.name)
      .description(op.summary)
      .option('-i, --input <file>', 'JSON request, the body of POST /v1/' + op.name + " ('-' reads stdin)")
      .addOption(new Option('-f, --format <format>', 'output format').choices(['json', 'table']).default('table'));
    for (const opt of entry.options) cmd.addOption(opt);
    cmd
      .option('-t, --threads <n>', 'worker threads (default: all cores)')
      .option('--no-wasm', 'use the pure-TS kernels')
      .option('--progress', 'show a progress bar on stderr even when it is not a terminal')
      .option('--no-progress', 'never show a progress bar');
    cmd.addHelpText('after', `\nExamples:\n${entry.examples.map((e) => `  $ ${e}`).join('\n')}\n`);
    cmd.action((o: Obj) => runOperation(op, entry, o, io));
  }

  program
    .command('serve')
    .description('Run the risk-batch HTTP service (API keys from MARGIN_ENGINE_API_KEYS or --api-keys-file)')
    .option('--host <host>', 'listen address', '127.0.0.1')
    .option('-p, --port <port>', 'listen port', '8080')
    .option('-t, --threads <n>', 'worker threads (default: all cores)')
    .option('--no-wasm', 'use the pure-TS kernels')
    .option('--results-dir <dir>', 'where batch results are stored', './results')
    .option('--api-keys-file <file>', 'file with one API key per line')
    .option('--no-auth', 'accept requests without an API key (local development only)')
    .option('--queue <url>', 'run batch tasks (every kind) on BullMQ workers, e.g. redis://127.0.0.1:6379')
    .option('--queue-name <name>', 'BullMQ queue name', DEFAULT_QUEUE_NAME)
    .option('--queue-parallelism <n>', 'parallelism the task split assumes (Monte Carlo: 2–16 chunk-range jobs per unit, about one per 1 M scenarios; default 8)')
    .option('--max-concurrent <n>', 'batch jobs running at once', '2')
    .option('--body-limit <size>', 'largest request body', '8mb')
    .option('--max-sync-work <units>', 'work limit of synchronous requests (scenarios × (factors² + 16))')
    .option('--shutdown-deadline <ms>', 'time running batches get to finish on shutdown before being requeued', '30000')
    .option('--log-level <level>', 'pino log level', 'info')
    .addHelpText('after', `
Examples:
  $ MARGIN_ENGINE_API_KEYS=k1,k2 margin-engine serve --port 8080 --results-dir /var/lib/margin-engine
  $ margin-engine serve --api-keys-file keys.txt --queue redis://10.0.0.5:6379 --max-concurrent 8
  $ curl -H 'x-api-key: k1' -H 'content-type: application/json' -d @book.json localhost:8080/v1/var
`)
    .action(async (o: Obj) => {
      const { loadApiKeys } = await import('../service/index.js');
      const { serve } = await import('../service/index.js');
      const keysFile = o.apiKeysFile === undefined ? [] : [['apiKeysFile', '--api-keys-file'] as const];
      const apiKeys = o.auth === false ? false : await namingFlags(keysFile, async () => loadApiKeys({ file: o.apiKeysFile as string | undefined }));
      if (apiKeys !== false && apiKeys.length === 0) {
        throw new ValidationError('apiKeys', 'required', 'no API keys: set MARGIN_ENGINE_API_KEYS, pass --api-keys-file, or --no-auth for local development');
      }
      const limits: ServiceLimits = {
        maxConcurrentBatches: positiveInt('--max-concurrent', o.maxConcurrent),
        bodyBytes: byteSize('--body-limit', o.bodyLimit),
        shutdownDeadlineMs: positiveInt('--shutdown-deadline', o.shutdownDeadline),
        ...(o.maxSyncWork !== undefined ? { maxSyncWork: Number(o.maxSyncWork) } : {}),
      };
      const svc = await serve({
        host: o.host as string,
        port: portNumber('--port', o.port),
        threads: positiveInt('--threads', o.threads),
        wasm: o.wasm === false ? false : 'auto',
        resultsDir: writableDir('--results-dir', o.resultsDir as string),
        apiKeys,
        limits,
        queue: o.queue ? { url: o.queue as string, queueName: o.queueName as string, parallelism: positiveInt('--queue-parallelism', o.queueParallelism) } : undefined,
        logger: { level: o.logLevel as string },
      });
      io.stderr(`margin-engine: service listening on ${svc.url}\n`);
      const sig = await untilSignal();
      svc.app.log.info({ signal: sig }, 'shutting down');
      await svc.close();
    });

  program
    .command('worker')
    .description('Take Monte Carlo chunk jobs from a BullMQ queue and run them on a local worker pool')
    .requiredOption('--queue <url>', 'redis://host:port of the queue')
    .option('--queue-name <name>', 'BullMQ queue name', DEFAULT_QUEUE_NAME)
    .option('--concurrency <n>', 'task jobs this process runs at once (default: its threads; each job runs on one thread)')
    .option('-t, --threads <n>', 'worker threads (default: all cores)')
    .option('--no-wasm', 'use the pure-TS kernels')
    .option('--lock-duration <ms>', 'job lock; a dead worker\'s job is retried after it expires', '30000')
    .option('--stalled-interval <ms>', 'how often to look for stalled jobs', '30000')
    .option('--max-stalled <n>', 'stalls before a job fails', '3')
    .option('--log-level <level>', 'pino log level', 'info')
    .addHelpText('after', `
Examples:
  $ margin-engine worker --queue redis://10.0.0.5:6379 --concurrency 2 --threads 8
  $ margin-engine worker --queue redis://127.0.0.1:6379 --lock-duration 5000 --stalled-interval 2000
`)
    .action(async (o: Obj) => {
      const { pino } = await import('pino');
      const { startChunkWorker } = await import('../cluster/index.js');
      const log = pino({ level: o.logLevel as string, base: { pid: process.pid } });
      const w = await startChunkWorker({
        url: o.queue as string,
        queueName: o.queueName as string,
        concurrency: positiveInt('--concurrency', o.concurrency),
        threads: positiveInt('--threads', o.threads),
        wasm: o.wasm === false ? false : 'auto',
        lockDurationMs: positiveInt('--lock-duration', o.lockDuration),
        stalledIntervalMs: positiveInt('--stalled-interval', o.stalledInterval),
        maxStalledCount: positiveInt('--max-stalled', o.maxStalled),
        onEvent: (e) => (e.type === 'failed' ? log.warn(e, 'job failed') : log.info(e, `job ${e.type}`)),
      });
      log.info({ worker: w.id, threads: w.threads, wasm: w.wasm }, 'worker ready');
      const sig = await untilSignal();
      log.info({ signal: sig }, 'worker stopping: finishing running jobs');
      await w.close();
      log.info({ completed: w.completed }, 'worker stopped');
    });

  program
    .command('report')
    .description('Run the main risk batch (sample accounts on the shipped data) and write the HTML report')
    .option('-o, --out <file>', 'HTML report path', 'reports/margin-report.html')
    .option('-s, --scenarios <n>', 'Monte Carlo scenarios per run', '1000000')
    .option('--data <csv>', 'wide CSV of daily closes with columns BTC, ETH, SOL (default: shipped synthetic data)')
    .option('--seed <n>', 'random seed', '42')
    .option('-t, --threads <n>', 'worker threads (default: all cores)')
    .option('--no-wasm', 'use the pure-TS kernels')
    .addHelpText('after', `
Examples:
  $ margin-engine report
  $ margin-engine report --out /tmp/risk.html --scenarios 200000 --data my-closes.csv
`)
    .action(async (o: Obj) => {
      const { runBatch } = await import('../batch/index.js');
      // the batch names its options (options.dataPath…); the user typed flags
      const flags = [['options.dataPath', '--data'], ['options.reportPath', '--out'], ['options.scenarios', '--scenarios'], ['options.seed', '--seed']] as const;
      const r = await namingFlags(flags, () => runBatch({
        reportPath: o.out as string,
        scenarios: positiveInt('--scenarios', o.scenarios),
        seed: nonNegativeInt('--seed', o.seed),
        threads: positiveInt('--threads', o.threads),
        wasm: o.wasm === false ? false : 'auto',
        ...(o.data !== undefined ? { dataPath: o.data as string } : {}),
        log: (line) => io.stdout(`${line}\n`),
      }));
      if (r.reportPath) io.stderr(`report: ${r.reportPath}\n`);
    });

  addVenueCommand(program, io);

  program.addHelpText('after', `
Exit codes: 0 ok, 2 usage or validation error (the field is named) or an infeasible optimisation (the constraint set is named), 3 runtime failure, 130 interrupted.

Examples:
  $ margin-engine var --exposures 1e6 --vols 0.02 -m parametric
  $ margin-engine var --input book.json -m mc-normal -s 1e6 --seed 42 --format json
  $ margin-engine margin --input account.json --model tiered --format table
  $ margin-engine optimize --input hedge.json --kind grid-hedge
  $ margin-engine report --out reports/risk.html
  $ margin-engine venue --accounts data/venue/demo-accounts.json --feed data/venue/crash-feed.csv --config data/venue/demo-config.json
  $ margin-engine serve --port 8080 --api-keys-file keys.txt
  $ margin-engine worker --queue redis://127.0.0.1:6379
`);
  return program;
}

/** Runs the CLI on `argv` (process.argv shape) and returns the exit code. */
export async function run(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv]);
    return EXIT.OK;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE; // commander printed the message
    if (e instanceof ValidationError) {
      io.stderr(`error: ${e.message}\n  field: ${e.field}  rule: ${e.rule}\n`);
      return EXIT.USAGE;
    }
    if (e instanceof SolverError) {
      io.stderr(`error: ${e.message}\n  constraint set: ${e.constraintSet}\n`);
      return EXIT.USAGE;
    }
    if (e instanceof AbortError) {
      io.stderr('interrupted\n');
      return EXIT.INTERRUPTED;
    }
    io.stderr(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.RUNTIME;
  }
}
