import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The package root (the folder of margin-engine's package.json), found by walking up from this
 * file, so the same code works from src/ (tests, tsx) and from build/src/ (the published build).
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'margin-engine') return (root = dir);
      } catch {
        /* not ours; keep walking */
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('margin-engine: package root not found');
    dir = up;
  }
}

/** Absolute path of a file inside the compiled build (e.g. `core.wasm`, `src/pool/worker.js`). */
export function buildPath(rel: string): string {
  return join(packageRoot(), 'build', rel);
}
