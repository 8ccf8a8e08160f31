/**
 * `margin-engine venue --accounts A --feed F`: replays a mark feed through the venue simulator
 * with a live terminal view on stderr (progress, fund, liquidations per second, ADL fills) and a
 * JSON-lines event log (`--events file`, `-` for stdout); the summary is printed at the end.
 */
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { createEngine } from '../../engine/index.js';
import type { VenueSimConfig } from '../../engine/index.js';
import { ValidationError, describeValue } from '../../errors/index.js';
import type { tiered } from '../../margin/index.js';
import type { VenueEvent, VenueSummary } from '../../solvency/index.js';

export interface VenueIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stderrIsTTY: boolean;
}

function readJson(field: string, file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ValidationError(field, 'file', `cannot read ${file}: ${(e as Error).message}`, file);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ValidationError(field, 'json', `is not JSON (${(e as Error).message}); got ${describeValue(file)}`, file);
  }
}

/** Accounts file: an array of accounts, or `{ accounts, tables? }`. */
export function readAccounts(file: string): { accounts: tiered.Account[]; tables?: tiered.TierTables } {
  const j = readJson('--accounts', file);
  if (Array.isArray(j)) return { accounts: j as tiered.Account[] };
  if (j && typeof j === 'object' && Array.isArray((j as { accounts?: unknown }).accounts)) return j as { accounts: tiered.Account[]; tables?: tiered.TierTables };
  throw new ValidationError('--accounts', 'shape', `must hold an array of accounts or { accounts, tables }; got ${describeValue(j)}`, file);
}

const fmt = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 2 });

export function addVenueCommand(program: Command, io: VenueIo): void {
  program
    .command('venue')
    .description('Replay a mark feed through the venue simulator: re-margin, liquidation cascades with impact, insurance fund, ADL')
    .requiredOption('--accounts <file>', 'JSON: array of accounts (tiered model), or { accounts, tables }')
    .requiredOption('--feed <file>', 'CSV feed: timestamp,symbol,mark (rows with one timestamp form one tick)')
    .option('--config <file>', 'JSON venue rules (fund, waterfall, impact, maxLiquidationPerTick, takerFee, marginCallBuffer, …)')
    .option('--events <file>', "JSON-lines event log ('-' for stdout)")
    .option('--chunk-ticks <n>', 'ticks per worker task (the live view updates after each)', '20')
    .option('-t, --threads <n>', 'worker threads', '1')
    .option('--progress', 'live view on stderr even when it is not a terminal')
    .option('--no-progress', 'no live view')
    .addHelpText('after', `
Examples:
  $ margin-engine venue --accounts data/venue/demo-accounts.json --feed data/venue/crash-feed.csv --config data/venue/demo-config.json
  $ margin-engine venue --accounts a.json --feed f.csv --events events.jsonl > summary.json
`)
    .action(async (o: Record<string, unknown>) => {
      const { accounts, tables } = readAccounts(o.accounts as string);
      let csv: string;
      try {
        csv = readFileSync(o.feed as string, 'utf8');
      } catch (e) {
        throw new ValidationError('--feed', 'file', `cannot read ${String(o.feed)}: ${(e as Error).message}`, o.feed);
      }
      const rules = (o.config ? readJson('--config', o.config as string) : {}) as VenueSimConfig;
      const config: VenueSimConfig = { ...rules, ...(tables ? { tables } : {}) };
      const chunkTicks = Number(o.chunkTicks);
      const threads = Number(o.threads);
      if (!(Number.isInteger(chunkTicks) && chunkTicks >= 1)) throw new ValidationError('--chunk-ticks', 'range', `must be a positive integer; got ${describeValue(o.chunkTicks)}`, o.chunkTicks);
      if (!(Number.isInteger(threads) && threads >= 1 && threads <= 256)) throw new ValidationError('--threads', 'range', `must be an integer in [1, 256]; got ${describeValue(o.threads)}`, o.threads);
      const live = o.progress === true ? true : o.progress === false ? false : io.stderrIsTTY;
      const toStdout = o.events === '-';
      let log: WriteStream | null = null;
      if (typeof o.events === 'string' && !toStdout) log = createWriteStream(o.events);
      const writeEvent = (e: VenueEvent): void => {
        const line = `${JSON.stringify(e)}\n`;
        if (toStdout) io.stdout(line);
        else log?.write(line);
      };
      const engine = await createEngine({ threads });
      const bar = live
        ? new cliProgress.SingleBar({
            format: 'ticks {bar} {percentage}% | {value}/{total} | fund {fund} | liq {liqs} ({rate}/s) | ADL {adl} | {marks}',
            stream: process.stderr, noTTYOutput: !io.stderrIsTTY, notTTYSchedule: 1000, hideCursor: io.stderrIsTTY,
          }, cliProgress.Presets.shades_classic)
        : null;
      const t0 = performance.now();
      let summary: VenueSummary | undefined;
      try {
        let started = false;
        for await (const item of engine.streamVenue(accounts, { csv }, config, { chunkTicks })) {
          if (item.type === 'progress') {
            const secs = Math.max(1e-3, (performance.now() - t0) / 1000);
            const payload = {
              fund: Object.entries(item.fund).map(([c, v]) => `${fmt(v)} ${c}`).join(', '),
              liqs: item.liquidations, rate: (item.liquidations / secs).toFixed(0), adl: item.adlFills,
              marks: Object.entries(item.marks).slice(0, 3).map(([s, m]) => `${s} ${fmt(m)}`).join(' '),
            };
            if (bar && !started) {
              bar.start(item.ticks, item.tick, payload);
              started = true;
            } else bar?.update(item.tick, payload);
          } else if (item.type === 'summary') summary = item.summary;
          else writeEvent(item);
        }
      } finally {
        bar?.stop();
        await engine.close();
        if (log) await new Promise<void>((resolve) => log!.end(resolve));
      }
      const text = `${JSON.stringify(summary, null, 2)}\n`;
      if (toStdout) io.stderr(text);
      else io.stdout(text);
    });
}
