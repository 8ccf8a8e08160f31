/**
 * The `margin-engine` command: the built bin (node build/src/apps/cli/main.js) for help, a JSON var run
 * equal to the engine, validation errors (exit 2 naming the field), placeholders and SIGINT (130);
 * `run()` in-process for table output and usage errors.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/engine/index.js';
import type { Engine } from '../../../src/engine/index.js';
import { CLI_DEFAULT_VAR_METHOD, run } from '../../../src/apps/cli/index.js';
import type { CliIo } from '../../../src/apps/cli/index.js';
import { tmpDir, removeTmpDirs } from '../service/fixtures.js';

const BIN = join(process.cwd(), 'build/src/apps/cli/main.js');
const children = new Set<ReturnType<typeof spawn>>();

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], onStderr?: (s: string, kill: (sig: NodeJS.Signals) => void) => void, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MARGIN_ENGINE_API_KEYS: '', ...env } });
    children.add(p);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => {
      stderr += d;
      onStderr?.(stderr, (sig) => p.kill(sig));
    });
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      children.delete(p);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function capture(): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: (s) => (out += s), stderr: (s) => (err += s), stderrIsTTY: false, readStdin: () => '' },
    out: () => out,
    err: () => err,
  };
}

const book = {
  portfolio: { exposures: [1e6, -4e5, 2.5e5] },
  market: { vols: [0.03, 0.04, 0.02], correlation: [[1, 0.6, 0.2], [0.6, 1, 0.1], [0.2, 0.1, 1]] },
  options: { method: 'mc-t', df: 4, scenarios: 50_000, seed: 9, confidence: [0.975, 0.99] },
};

let engine: Engine;
let dir: string;

beforeAll(async () => {
  expect(existsSync(BIN), 'run `npm run build` first').toBe(true);
  engine = await createEngine({ threads: 1 });
  dir = tmpDir('me-cli-');
  writeFileSync(join(dir, 'book.json'), JSON.stringify(book));
  writeFileSync(join(dir, 'collateral.json'), JSON.stringify({
    problem: {
      kind: 'collateral',
      assets: [{ id: 'USDC', available: 60, haircut: 0, costRate: 0.01 }, { id: 'BTC', available: 1000, haircut: 0.2, costRate: 0.02 }],
      venues: [{ id: 'V', requirement: 100 }],
    },
  }));
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await engine?.close();
  removeTmpDirs();
});

describe('margin-engine bin', () => {
  it('--help lists the commands with examples; bad input exits 2 naming the field', async () => {
    const [help, varHelp, bad, optimize, noData] = await Promise.all([
      cli(['--help']),
      cli(['var', '--help']),
      cli(['var', '--input', join(dir, 'book.json'), '--confidence', '1.5', '-t', '1']),
      cli(['optimize', '--input', join(dir, 'collateral.json'), '--kind', 'magic', '-t', '1']),
      cli(['report', '--data', join(dir, 'nonexistent.csv'), '-t', '1']),
    ]);
    expect(help.code).toBe(0);
    for (const c of ['var', 'margin', 'liquidation', 'stress', 'backtest', 'optimize', 'covariance', 'report', 'serve', 'worker']) expect(help.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    expect(help.stdout).toMatch(/Examples:/);
    expect(help.stdout).toMatch(/Exit codes: 0 ok, 2 usage/);
    expect(varHelp.code).toBe(0);
    expect(varHelp.stdout).toMatch(/\$ margin-engine var --exposures/);
    expect(varHelp.stdout.replace(/\s+/g, ' ')).toMatch(/options\.method; default: parametric when --input sets none/);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/options\.confidence/);
    expect(bad.stdout).toBe('');
    expect(optimize.code).toBe(2);
    expect(optimize.stderr).toMatch(/problem\.kind/);
    expect(noData.code).toBe(2);
    expect(noData.stderr).toMatch(/--data.*ENOENT/);
  }, 30_000);

  it('optimize solves a collateral allocation (answer derived by hand)', async () => {
    const r = await cli(['optimize', '--input', join(dir, 'collateral.json'), '--format', 'json', '-t', '1']);
    expect(r.code, r.stderr).toBe(0);
    // 60 USDC at 1 % + 50 BTC value (40 after a 20 % haircut) at 2 % = 1.6
    expect(JSON.parse(r.stdout).objective).toBeCloseTo(1.6, 9);
  }, 30_000);

  it('report runs the main batch and writes the HTML report', async () => {
    const out = join(dir, 'report.html');
    const r = await cli(['report', '--out', out, '--scenarios', '20000', '-t', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/<svg/);
    expect(r.stdout).toMatch(/Optimizer/);
  }, 60_000);

  it('var --format json prints the engine numbers', async () => {
    const r = await cli(['var', '--input', join(dir, 'book.json'), '--format', 'json', '-t', '1', '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout);
    const ref = await engine.var(book.portfolio, book.market, book.options as never);
    expect(got.var).toBe(ref.var);
    expect(got.es).toBe(ref.es);
    expect(got.levels).toEqual(ref.levels);
    expect(got.tail.losses).toEqual(ref.tail.losses);
  }, 30_000);

  it('SIGINT aborts a long Monte Carlo run with exit 130 (progress bar on stderr)', async () => {
    let sent = false;
    const r = await cli(['var', '--exposures', '1e6,2e6', '--vols', '0.02,0.03', '-m', 'mc-normal', '-s', '5e8', '-t', '1', '--progress'], (err, kill) => {
      if (!sent && err.includes('scenarios')) {
        sent = true;
        setTimeout(() => kill('SIGINT'), 200);
      }
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted/);
  }, 30_000);
});

describe('margin-engine serve', () => {
  it('refuses to start without API keys (exit 2); serves with keys and stops cleanly on SIGTERM', async () => {
    const noKeys = await cli(['serve', '--port', '0', '-t', '1']);
    expect(noKeys.code).toBe(2);
    expect(noKeys.stderr).toMatch(/apiKeys.*MARGIN_ENGINE_API_KEYS/);

    let url = '';
    let health = 0;
    let unauth = 0;
    const r = await cli(['serve', '--port', '0', '-t', '1', '--results-dir', join(dir, 'results'), '--log-level', 'warn'], (err, kill) => {
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m && !url) {
        url = m[1];
        void (async () => {
          health = (await fetch(`${url}/healthz`)).status;
          unauth = (await fetch(`${url}/v1/var`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status;
          kill('SIGTERM');
        })().catch(() => kill('SIGKILL'));
      }
    }, { MARGIN_ENGINE_API_KEYS: 'k1,k2' });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(health).toBe(200);
    expect(unauth).toBe(401);
    expect(r.code).toBe(0);
  }, 30_000);
});

describe('run() in-process', () => {
  it('stress --format table prints a table; usage errors and unreadable input exit 2', async () => {
    const c = capture();
    writeFileSync(join(dir, 'stress.json'), JSON.stringify({ exposures: [100, 50], scenarios: [{ name: 'crash', shocks: [-0.3, -0.2] }, { name: 'rally', shocks: [0.1, 0.1] }] }));
    expect(await run(['node', 'me', 'stress', '--input', join(dir, 'stress.json'), '--type', 'hypothetical'], c.io)).toBe(0);
    expect(c.out()).toMatch(/scenarios:\nname\s+pnl\s+loss\n-+/);
    expect(c.out()).toMatch(/crash\s+-40\s+40/);

    const u = capture();
    expect(await run(['node', 'me', 'var', '--no-such-flag'], u.io)).toBe(2);
    expect(u.err()).toMatch(/unknown option/);

    const m = capture();
    expect(await run(['node', 'me', 'stress', '--input', join(dir, 'missing.json')], m.io)).toBe(2);
    expect(m.err()).toMatch(/--input.*cannot read/);

    const t = capture();
    expect(await run(['node', 'me', 'stress', '--input', join(dir, 'stress.json'), '--type', 'nope'], t.io)).toBe(2);
    expect(t.err()).toMatch(/field: --type/);
  });

  it('every bad file or flag value exits 2 naming the flag, before any work', async () => {
    writeFileSync(join(dir, 'bad.csv'), 'date,BTC\n2024-01-01,abc,1\n');
    writeFileSync(join(dir, 'not-json.json'), '{ nope');
    const notADir = join(dir, 'book.json'); // a file, so nothing can be created under it
    const cases: Array<[string[], RegExp]> = [
      [['report', '--data', join(dir, 'nonexistent.csv'), '-t', '1'], /--data.*cannot read.*ENOENT/],
      [['report', '--data', join(dir, 'bad.csv'), '-t', '1'], /--data.*bad\.csv/],
      [['report', '--out', join(notADir, 'r.html'), '-t', '1'], /--out.*cannot write/],
      [['report', '--scenarios', 'many', '-t', '1'], /--scenarios/],
      [['report', '--seed', 'abc', '-t', '1'], /--seed/],
      [['var', '--input', join(dir, 'nonexistent.json')], /--input.*cannot read/],
      [['var', '--input', join(dir, 'not-json.json')], /--input.*not valid JSON/],
      [['var', '--exposures', '1e6', '--vols', '0.02,0.03', '-t', '1'], /--vols.*market\.vols/],
      [['var', '--exposures', '1e6,x', '--vols', '0.02,0.03', '-t', '1'], /--exposures.*portfolio\.exposures/],
      [['var', '--exposures', '1e6,1e6', '--vols', '0.02,0.03', '--correlation', '2', '-t', '1'], /--correlation.*market\.correlation/],
      [['var', '--exposures', '1e6', '--vols', '0.02', '-m', 'magic', '-t', '1'], /--method.*options\.method/],
      [['var', '--exposures', '1e6', '--vols', '0.02', '-m', 'mc-normal', '-s', '-5', '-t', '1'], /--scenarios.*options\.scenarios/],
      [['var', '--exposures', '1e6', '--vols', '0.02', '-t', 'zero'], /--threads/],
      [['serve', '--api-keys-file', join(dir, 'no-keys.txt'), '--port', '0', '-t', '1'], /--api-keys-file.*cannot read/],
      [['serve', '--no-auth', '--results-dir', join(notADir, 'results'), '--port', '0', '-t', '1'], /--results-dir.*cannot write/],
    ];
    for (const [args, want] of cases) {
      const c = capture();
      expect(await run(['node', 'me', ...args], c.io), args.join(' ')).toBe(2);
      expect(c.err(), args.join(' ')).toMatch(want);
      expect(c.err(), args.join(' ')).toMatch(/field: --/);
      expect(c.out()).toBe('');
    }
  }, 30_000);

  it('var without -m uses the CLI default (parametric); --input\'s method wins over the default', async () => {
    const c = capture();
    expect(await run(['node', 'me', 'var', '--exposures', '1e6', '--vols', '0.02', '--format', 'json', '-t', '1'], c.io), c.err()).toBe(0);
    const r = JSON.parse(c.out());
    expect(r.method).toBe(CLI_DEFAULT_VAR_METHOD);
    expect(r.var).toBeCloseTo(1e6 * 0.02 * 2.3263478740408408, 6); // z(0.99)·σ_p

    const f = capture();
    expect(await run(['node', 'me', 'var', '--input', join(dir, 'book.json'), '--format', 'json', '-t', '1'], f.io), f.err()).toBe(0);
    expect(JSON.parse(f.out()).method).toBe('mc-t');
  }, 30_000);

  it('serve with a bad --port exits 2 naming the flag, before starting anything', async () => {
    for (const port of ['99999', 'http', '-1']) {
      const c = capture();
      expect(await run(['node', 'me', 'serve', '--no-auth', '-t', '1', '--port', port, '--results-dir', join(dir, 'results-port')], c.io)).toBe(2);
      expect(c.err()).toMatch(/--port/);
    }
  }, 30_000);
});

describe('report argument errors', () => {
  it('exit 2 naming the field (too few scenarios)', async () => {
    const r = await cli(['report', '--out', join(dir, 'x.html'), '--scenarios', '10', '-t', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/options\.scenarios/);
  }, 30_000);
});
