/**
 * Where things are (repo root, peers directory) and what machine the numbers came from.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repo root: the nearest ancestor of this file holding margin-engine's package.json (works from bench/ and build/bench/). */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'margin-engine') return dir;
      } catch {
        // unreadable package.json: keep climbing
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('bench: cannot find the margin-engine package.json above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** Peer programs: $MARGIN_ENGINE_PEERS, else ../shared/peers next to the repo. */
export function peersDir(root = repoRoot()): string {
  return process.env.MARGIN_ENGINE_PEERS ?? path.resolve(root, '../shared/peers');
}

/** Default results directory (bench/results under the repo root). */
export function resultsDir(root = repoRoot()): string {
  return path.join(root, 'bench', 'results');
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  availableParallelism: number;
  totalMemoryBytes: number;
  totalMemoryGiB: number;
  platform: string;
  arch: string;
  release: string;
  node: string;
  v8: string;
  /** 1-minute load average when the run started: a loaded machine gives noisy timings. */
  loadAverage1m: number;
  date: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    totalMemoryBytes: os.totalmem(),
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: os.platform(),
    arch: os.arch(),
    release: os.release(),
    node: process.version,
    v8: process.versions.v8,
    loadAverage1m: Math.round(os.loadavg()[0] * 100) / 100,
    date: new Date().toISOString(),
  };
}
