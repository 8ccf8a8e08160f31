/** `margin-engine venue`: the demo replay's summary and JSON-lines log equal the engine's run; bad flags exit 2 naming the flag. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, type CliIo } from '../../../src/apps/cli/index.js';
import { parseFeedCsv, prepareBook, simulateBook } from '../../../src/solvency/index.js';
import { removeTmpDirs, tmpDir } from '../service/fixtures.js';

const dir = join(import.meta.dirname, '..', '..', '..', 'data', 'venue');
afterAll(() => removeTmpDirs());

function io(): CliIo & { out: string; err: string } {
  const o = { out: '', err: '', stderrIsTTY: false, readStdin: () => '' } as CliIo & { out: string; err: string };
  o.stdout = (s) => void (o.out += s);
  o.stderr = (s) => void (o.err += s);
  return o;
}

describe('margin-engine venue', () => {
  it('replays the demo feed: summary on stdout, one JSON line per event', async () => {
    const log = join(tmpDir('venue-cli-'), 'events.jsonl');
    const t = io();
    const code = await run(['node', 'margin-engine', 'venue', '--accounts', join(dir, 'demo-accounts.json'), '--feed', join(dir, 'crash-feed.csv'),
      '--config', join(dir, 'demo-config.json'), '--events', log, '--chunk-ticks', '30', '--no-progress'], t);
    expect(code, t.err).toBe(0);
    const { accounts, tables } = JSON.parse(readFileSync(join(dir, 'demo-accounts.json'), 'utf8'));
    const whole = simulateBook(prepareBook(accounts, tables), parseFeedCsv(readFileSync(join(dir, 'crash-feed.csv'), 'utf8')), JSON.parse(readFileSync(join(dir, 'demo-config.json'), 'utf8')));
    expect(JSON.parse(t.out)).toEqual(JSON.parse(JSON.stringify(whole.summary)));
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual(JSON.parse(JSON.stringify(whole.events)));
  });

  it('exits 2 naming the flag or field of bad input', async () => {
    const t = io();
    expect(await run(['node', 'margin-engine', 'venue', '--accounts', '/nonexistent.json', '--feed', join(dir, 'crash-feed.csv')], t)).toBe(2);
    expect(t.err).toMatch(/--accounts/);
    const u = io();
    expect(await run(['node', 'margin-engine', 'venue', '--accounts', join(dir, 'demo-accounts.json'), '--feed', join(dir, 'crash-feed.csv'), '--chunk-ticks', '0'], u)).toBe(2);
    expect(u.err).toMatch(/--chunk-ticks/);
  });
});
