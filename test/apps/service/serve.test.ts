/** `serve` on a port that is taken: the error reaches the caller and nothing stays open behind it. */
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { afterAll, expect, it, vi } from 'vitest';
import { Engine } from '../../../src/engine/index.js';
import { serve } from '../../../src/apps/service/index.js';
import { removeTmpDirs, tmpDir } from './fixtures.js';

let blocker: Server | undefined;

afterAll(async () => {
  await new Promise<void>((r) => (blocker ? blocker.close(() => r()) : r()));
  vi.restoreAllMocks();
  removeTmpDirs();
});

it('rejects with the listen error and closes the engine it created', async () => {
  blocker = createServer();
  const port = await new Promise<number>((resolve, reject) => {
    blocker!.once('error', reject);
    blocker!.listen(0, '127.0.0.1', () => resolve((blocker!.address() as { port: number }).port));
  });
  const close = vi.spyOn(Engine.prototype, 'close');
  await expect(serve({ host: '127.0.0.1', port, threads: 1, apiKeys: false, resultsDir: tmpDir('me-serve-'), defaultMetrics: false })).rejects.toThrow(/EADDRINUSE/);
  expect(close).toHaveBeenCalledTimes(1);
}, 30_000);
