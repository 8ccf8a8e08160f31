/** Shared by the cluster tests: whether Debian's redis-server is here, the built CLI, free ports. */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const hasRedis = spawnSync('sh', ['-c', 'command -v redis-server && command -v redis-cli']).status === 0;
export const CLI = join(process.cwd(), 'build/src/apps/cli/main.js');

/** A free TCP port on 127.0.0.1 (bound then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
