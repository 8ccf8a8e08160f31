/**
 * Running the peer programs in ../shared/peers: compile the C peers into a temp dir, run each
 * binary or script N times, parse its one JSON line, take the median of its self-reported seconds.
 * A peer whose toolchain is missing is skipped with a reason; nothing is ever made up.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median } from './stats.js';

/** A peer ready to run, or the reason it cannot. */
export type PeerCommand =
  | { ok: true; name: string; command: string; args: string[]; version: string }
  | { ok: false; name: string; reason: string };

/** The parsed JSON line all mc_var peers print. */
export interface PeerOutput {
  impl: string;
  assets: number;
  scenarios: number;
  seed: number;
  seconds: number;
  scenarios_per_sec: number;
  var99: number;
  es975: number;
  var99_analytic: number;
  es975_analytic: number;
  [key: string]: unknown;
}

export interface PeerRuns {
  /** Each run's parsed output (warm-up runs excluded). */
  outputs: PeerOutput[];
  /** Self-reported seconds per run. */
  seconds: number[];
  medianSeconds: number;
}

/** Temp directory for compiled peers, removed by cleanup(). */
export class PeerToolchain {
  private dir: string | undefined;

  constructor(readonly peersDir: string) {}

  private tmp(): string {
    this.dir ??= mkdtempSync(path.join(os.tmpdir(), 'margin-engine-peers-'));
    return this.dir;
  }

  /** Compiles peers/<file> with `gcc -O3 -march=native ... -lm`; skipped when gcc or the file is missing. */
  compileC(file: string): PeerCommand {
    const name = path.basename(file);
    const src = path.join(this.peersDir, file);
    if (!existsSync(src)) return { ok: false, name, reason: `${src} not found (set MARGIN_ENGINE_PEERS)` };
    const gcc = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
    if (gcc.error || gcc.status !== 0) return { ok: false, name, reason: 'gcc not available' };
    const out = path.join(this.tmp(), name.replace(/\.c$/, ''));
    const args = ['-O3', '-march=native', '-o', out, src, '-lm'];
    const cc = spawnSync('gcc', args, { encoding: 'utf8' });
    if (cc.error || cc.status !== 0) return { ok: false, name, reason: `gcc ${args.join(' ')} failed: ${(cc.stderr || String(cc.error)).trim()}` };
    return { ok: true, name, command: out, args: [], version: `gcc ${gcc.stdout.split('\n')[0]} -O3 -march=native` };
  }

  /** peers/<file> under python3, skipped when python3 or numpy is missing. */
  python(file: string, modules: readonly string[] = ['numpy']): PeerCommand {
    const name = path.basename(file);
    const src = path.join(this.peersDir, file);
    if (!existsSync(src)) return { ok: false, name, reason: `${src} not found (set MARGIN_ENGINE_PEERS)` };
    const probe = spawnSync('python3', ['-c', `import sys, ${modules.join(', ')}; print(sys.version.split()[0], ${modules.map((m) => `${m}.__version__`).join(', ')})`], { encoding: 'utf8' });
    if (probe.error) return { ok: false, name, reason: 'python3 not available' };
    if (probe.status !== 0) return { ok: false, name, reason: `python3 cannot import ${modules.join(', ')}` };
    const [py, ...mods] = probe.stdout.trim().split(/\s+/);
    return { ok: true, name, command: 'python3', args: [src], version: `python ${py}, ${modules.map((m, i) => `${m} ${mods[i]}`).join(', ')}` };
  }

  cleanup(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

/**
 * Runs a peer `warmup + runs` times with extra arguments, parses the last stdout line as JSON.
 * Throws (loudly) when the program fails or prints something unparsable.
 */
export function runPeer(peer: Extract<PeerCommand, { ok: true }>, extraArgs: readonly string[], runs: number, warmup = 1): PeerRuns {
  const outputs: PeerOutput[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const r = spawnSync(peer.command, [...peer.args, ...extraArgs], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.error || r.status !== 0) {
      throw new Error(`peer ${peer.name} ${extraArgs.join(' ')} failed (status ${r.status}): ${(r.stderr || String(r.error)).trim()}`);
    }
    const line = r.stdout.trim().split('\n').at(-1) ?? '';
    let parsed: PeerOutput;
    try {
      parsed = JSON.parse(line) as PeerOutput;
    } catch {
      throw new Error(`peer ${peer.name} printed no JSON line: ${JSON.stringify(r.stdout.slice(0, 200))}`);
    }
    if (typeof parsed.seconds !== 'number' || !(parsed.seconds > 0)) throw new Error(`peer ${peer.name} reported no positive "seconds": ${line}`);
    if (i >= warmup) outputs.push(parsed);
  }
  const seconds = outputs.map((o) => o.seconds);
  return { outputs, seconds, medianSeconds: median(seconds) };
}
