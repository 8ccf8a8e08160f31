/**
 * Renders the report in Debian's headless chromium: the page must paint (a 1280×2000 screenshot far
 * larger than a blank page's, which is a few KB) and the rendered DOM must hold the svg charts. Skipped when chromium
 * is not installed (CI installs it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/apps/report/index.js';
import { fixtureInput } from './fixture.js';

const CHROMIUM = ['chromium', 'chromium-browser'].find((c) => spawnSync(c, ['--version'], { stdio: 'ignore', timeout: 20_000 }).status === 0);
const chromiumAvailable = CHROMIUM !== undefined;

const dir = mkdtempSync(join(tmpdir(), 'me-report-shot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function chromium(args: string[]): { stdout: string; status: number | null } {
  const profile = mkdtempSync(join(dir, 'profile-'));
  const r = spawnSync(
    CHROMIUM as string,
    [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND', `--user-data-dir=${profile}`, ...args,
    ],
    { encoding: 'utf8', timeout: 60_000, maxBuffer: 32 * 1024 * 1024 },
  );
  return { stdout: r.stdout ?? '', status: r.status };
}

function screenshot(htmlFile: string, png: string): void {
  chromium([`--screenshot=${png}`, '--window-size=1280,2000', pathToFileURL(htmlFile).href]);
}

function isPng(file: string): boolean {
  return readFileSync(file).subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
}

describe('report in headless chromium', () => {
  it.skipIf(!chromiumAvailable)('paints a non-trivial page', () => {
    const page = join(dir, 'report.html');
    writeFileSync(page, buildReport(fixtureInput()));
    const shot = join(dir, 'report.png');
    screenshot(page, shot);
    expect(isPng(shot)).toBe(true);
    // IHDR: width and height as big-endian u32 at bytes 16 and 20.
    const head = readFileSync(shot).subarray(16, 24);
    expect([head.readUInt32BE(0), head.readUInt32BE(4)]).toEqual([1280, 2000]);
    // A single-colour 1280×2000 page compresses to a few KB; text and charts make it far larger.
    expect(statSync(shot).size).toBeGreaterThan(20_000);
  });

  it.skipIf(!chromiumAvailable)('keeps the svg charts and markers in the rendered DOM', () => {
    const page = join(dir, 'dom.html');
    writeFileSync(page, buildReport(fixtureInput()));
    const { stdout } = chromium(['--dump-dom', pathToFileURL(page).href]);
    expect((stdout.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(4);
    for (const kind of ['histogram', 'bars', 'line', 'ladder']) expect(stdout).toContain(`data-chart="${kind}"`);
    expect(stdout).toContain('data-marker="var"');
  });
});
