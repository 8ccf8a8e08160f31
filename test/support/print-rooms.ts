/**
 * Prints the room graph of src/: each room, then the rooms it imports with the number of import
 * statements (value and type). Run: npx tsx test/support/print-rooms.ts
 */
import { roomGraph, roomOf, scanImports } from './imports.js';

const { files, edges } = scanImports();
const graph = roomGraph(edges);
const rooms = [...new Set(files.map(roomOf).filter((r): r is string => r !== undefined))].sort();
const width = Math.max(...rooms.map((r) => r.length));

for (const room of rooms) {
  const targets = [...(graph.get(room) ?? new Map<string, number>())].sort(([a], [b]) => a.localeCompare(b));
  const list = targets.length === 0 ? '—' : targets.map(([to, n]) => `${to} (${n})`).join(', ');
  console.log(`${room.padEnd(width)} → ${list}`);
}
