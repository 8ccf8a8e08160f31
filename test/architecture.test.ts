/**
 * Layering rules for src/, checked on the import graph (see test/support/imports.ts).
 *
 * A room is the first folder under src/ (`src/apps/<name>/` counts as room `apps/<name>`);
 * src/index.ts, the package entry, sits above every room and is exempt from the room rules.
 */
import { describe, expect, it } from 'vitest';
import {
  adjacency,
  crossRoomEdges,
  cycles,
  describeEdge,
  roomDir,
  roomOf,
  scanImports,
  type ImportEdge,
} from './support/imports.js';

/** Rooms that pool/, kernels/ and wasm/ may import: the infrastructure and the leaf utilities, no domain. */
const INFRA_ROOMS = ['pool', 'kernels', 'wasm'] as const;
const INFRA_MAY_IMPORT: readonly string[] = [...INFRA_ROOMS, 'errors', 'util', 'stats', 'types'];

/**
 * kernel name → the one task module allowed to reach into `src/kernels/<name>.ts` or `src/kernels/<name>/…`
 * past the kernels door (the task runs the kernel on raw buffers, so it needs the internals).
 */
// Empty today: every kernel's task module lives in its own folder (src/kernels/<name>/task.ts).
const KERNEL_TASKS: Readonly<Record<string, string>> = {};

const graph = scanImports();
const roomEdges = crossRoomEdges(graph.edges);
const rooms = [...new Set(graph.files.map(roomOf).filter((r): r is string => r !== undefined))].sort();

/** Fails with one line per offending import, so the message is the to-do list. */
function expectNone(rule: string, violations: readonly string[]): void {
  // Compare the count, not the array: the message already lists every import, a diff would repeat it.
  expect(violations.length, `${rule} — ${violations.length} violation(s):\n  ${violations.join('\n  ')}\n`).toBe(0);
}

const isKernelTaskImport = (e: ImportEdge): boolean =>
  Object.entries(KERNEL_TASKS).some(
    ([name, task]) => e.from === task && (e.to === `src/kernels/${name}.ts` || e.to.startsWith(`src/kernels/${name}/`)),
  );

describe('architecture', () => {
  it('scans src/ and resolves every relative import', () => {
    // Guards the rules below: an import the scanner cannot place would silently drop out of every check.
    expect(graph.files.length).toBeGreaterThan(0);
    expect(graph.edges.length).toBeGreaterThan(0);
    expectNone(
      'relative imports that resolve to no file under src/',
      graph.unresolved.map((u) => `${u.from}:${u.line} → ${u.specifier}`),
    );
  });

  it('(a) has no import cycle between files', () => {
    // Only value imports count: `import type` / `export type` are erased by tsc, so a cycle through them
    // never exists at run time and cannot produce a half-initialised module. Dynamic import() counts as a
    // value import: it loads the module, and a lazy cycle is still a cycle in the design.
    const valueEdges = graph.edges.filter((e) => !e.typeOnly);
    const adj = adjacency(valueEdges, (e) => [e.from, e.to]);
    const found = cycles(graph.files, (f) => adj.get(f) ?? []);
    expectNone(
      'file import cycles (value imports)',
      found.flatMap((members, i) => {
        const inCycle = new Set(members);
        return valueEdges
          .filter((e) => inCycle.has(e.from) && inCycle.has(e.to))
          .map((e) => `cycle ${i + 1} [${members.join(', ')}]: ${describeEdge(e)}`);
      }),
    );
  });

  it('(b) has no import cycle between rooms', () => {
    // Value and type imports both count: a room that needs another room's types depends on it.
    const adj = adjacency(roomEdges, (e) => [e.fromRoom, e.toRoom]);
    const found = cycles(rooms, (r) => adj.get(r) ?? []);
    expectNone(
      'room import cycles',
      found.flatMap((members) => {
        const inCycle = new Set(members);
        return roomEdges
          .filter((e) => inCycle.has(e.fromRoom) && inCycle.has(e.toRoom))
          .map((e) => `cycle [${members.join(', ')}]: ${e.fromRoom} → ${e.toRoom}: ${describeEdge(e)}`);
      }),
    );
  });

  it('(c) pool/, kernels/ and wasm/ import no domain room', () => {
    expectNone(
      `infrastructure imports outside ${INFRA_MAY_IMPORT.join(', ')}`,
      roomEdges
        .filter((e) => (INFRA_ROOMS as readonly string[]).includes(e.fromRoom) && !INFRA_MAY_IMPORT.includes(e.toRoom))
        .map(describeEdge),
    );
  });

  it('(d) library rooms never import apps/*', () => {
    expectNone(
      'library → app imports',
      roomEdges.filter((e) => !e.fromRoom.startsWith('apps/') && e.toRoom.startsWith('apps/')).map(describeEdge),
    );
  });

  it('(e) every room has an index.ts door', () => {
    // A room made only of ambient declarations (src/types/*.d.ts) exports nothing, so it needs no door.
    const needDoor = rooms.filter((r) => graph.files.some((f) => roomOf(f) === r && !f.endsWith('.d.ts')));
    expectNone(
      'rooms without index.ts',
      needDoor.filter((r) => !graph.files.includes(`${roomDir(r)}/index.ts`)).map((r) => `${roomDir(r)}/index.ts is missing`),
    );
  });

  it('(e) other rooms import a room only through an index.ts', () => {
    // Any index.ts inside the target room is a door (src/margin/grid/index.ts as well as src/margin/index.ts).
    expectNone(
      'cross-room imports that bypass the door',
      roomEdges.filter((e) => !e.to.endsWith('/index.ts') && !isKernelTaskImport(e)).map(describeEdge),
    );
  });
});
