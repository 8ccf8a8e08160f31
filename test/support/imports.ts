/**
 * Import graph of src/ for the architecture test and the room printer.
 *
 * Parsed with the TypeScript compiler (syntax only, no type checker) rather than a regex, so
 * imports inside comments, strings and template literals are never mistaken for real ones.
 */
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Repository root; every path this module hands out is relative to it, with `/` separators. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface ImportEdge {
  /** Importing file, e.g. `src/risk/mc.ts`. */
  from: string;
  /** Imported file, resolved under src/, e.g. `src/kernels/index.ts`. */
  to: string;
  specifier: string;
  line: number;
  /**
   * True when the import disappears from the emitted JavaScript: `import type`, `export type … from`,
   * a braces list made only of `type` names, or an `import('./x.js').T` type query.
   * Decided syntactically: a plain `import { Foo }` whose Foo is only used as a type is also erased by
   * tsc, but is counted as a value import here (a conservative approximation).
   */
  typeOnly: boolean;
  dynamic: boolean;
}

export interface UnresolvedImport {
  from: string;
  specifier: string;
  line: number;
}

export interface ImportGraph {
  files: string[];
  edges: ImportEdge[];
  /** Relative specifiers that point at no file under src/ (kept so a scanner bug cannot hide edges). */
  unresolved: UnresolvedImport[];
}

const toPosix = (p: string): string => p.split(sep).join('/');

function listTsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTsFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/**
 * Maps a relative specifier to a .ts file the way NodeNext resolution sees the source tree:
 * `./x.js` → `x.ts`, `./dir/index.js` → `dir/index.ts`; extensionless forms are tried as a fallback.
 */
function resolveSpecifier(fromAbs: string, specifier: string): string | undefined {
  const base = resolve(dirname(fromAbs), specifier);
  const candidates = [
    base.replace(/\.(m|c)?js$/, (_m, k: string | undefined) => `.${k ?? ''}ts`),
    base,
    `${base}.ts`,
    join(base, 'index.ts'),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

interface RawImport {
  specifier: string;
  pos: number;
  typeOnly: boolean;
  dynamic: boolean;
}

/** Whether an import/export clause only names types, so tsc erases the whole statement. */
function onlyTypeNames(elements: ts.NodeArray<ts.ImportSpecifier | ts.ExportSpecifier>): boolean {
  return elements.length > 0 && elements.every((e) => e.isTypeOnly);
}

function rawImports(source: ts.SourceFile): RawImport[] {
  const found: RawImport[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            onlyTypeNames(clause.namedBindings.elements)));
      found.push({ specifier: node.moduleSpecifier.text, pos: node.getStart(source), typeOnly, dynamic: false });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      const typeOnly = node.isTypeOnly || (clause !== undefined && ts.isNamedExports(clause) && onlyTypeNames(clause.elements));
      found.push({ specifier: node.moduleSpecifier.text, pos: node.getStart(source), typeOnly, dynamic: false });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments.length > 0 &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, pos: node.getStart(source), typeOnly: false, dynamic: true });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push({ specifier: node.argument.literal.text, pos: node.getStart(source), typeOnly: true, dynamic: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Scans every .ts file under `srcDir` (recursively) and returns its relative imports. */
export function scanImports(srcDir: string = join(ROOT, 'src')): ImportGraph {
  const absFiles = listTsFiles(srcDir).sort();
  const edges: ImportEdge[] = [];
  const unresolved: UnresolvedImport[] = [];
  for (const abs of absFiles) {
    const from = toPosix(relative(ROOT, abs));
    const source = ts.createSourceFile(abs, readFileSync(abs, 'utf8'), ts.ScriptTarget.Latest, true);
    for (const raw of rawImports(source)) {
      // Packages and node: builtins are not part of the layering.
      if (!raw.specifier.startsWith('.')) continue;
      const line = source.getLineAndCharacterOfPosition(raw.pos).line + 1;
      const target = resolveSpecifier(abs, raw.specifier);
      const to = target === undefined ? undefined : toPosix(relative(ROOT, target));
      if (to === undefined || !to.startsWith('src/')) {
        unresolved.push({ from, specifier: raw.specifier, line });
        continue;
      }
      edges.push({ from, to, specifier: raw.specifier, line, typeOnly: raw.typeOnly, dynamic: raw.dynamic });
    }
  }
  return { files: absFiles.map((f) => toPosix(relative(ROOT, f))), edges, unresolved };
}

/**
 * The room of a file: its first folder under src/, or `apps/<name>` under src/apps/.
 * Files directly in src/ (the package entry) belong to no room and return undefined.
 */
export function roomOf(file: string): string | undefined {
  const parts = file.replace(/^src\//, '').split('/');
  if (parts.length < 2) return undefined;
  if (parts[0] === 'apps' && parts.length >= 3) return `apps/${parts[1]}`;
  return parts[0];
}

/** The folder that holds a room's files, e.g. `src/apps/cli`. */
export const roomDir = (room: string): string => `src/${room}`;

/**
 * Tarjan's strongly connected components. Returns only the components that contain a cycle
 * (more than one node, or a node that imports itself), each sorted, in a stable order.
 */
export function cycles(nodes: Iterable<string>, successors: (node: string) => Iterable<string>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];

  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of successors(v)) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = component.length === 1 && [...successors(v)].includes(v);
      if (component.length > 1 || selfLoop) found.push(component.sort());
    }
  };

  for (const v of nodes) if (!index.has(v)) connect(v);
  return found.sort((a, b) => a[0].localeCompare(b[0]));
}

/** Adjacency sets from a list of edges. */
export function adjacency<E>(edges: readonly E[], key: (e: E) => [string, string]): Map<string, Set<string>> {
  const adj = new Map<string, Set<string>>();
  for (const e of edges) {
    const [a, b] = key(e);
    if (!adj.has(a)) adj.set(a, new Set());
    adj.get(a)!.add(b);
  }
  return adj;
}

/** An import between two different rooms (the package entry is left out). */
export interface RoomEdge extends ImportEdge {
  fromRoom: string;
  toRoom: string;
}

export function crossRoomEdges(edges: readonly ImportEdge[]): RoomEdge[] {
  const out: RoomEdge[] = [];
  for (const e of edges) {
    const fromRoom = roomOf(e.from);
    const toRoom = roomOf(e.to);
    if (fromRoom === undefined || toRoom === undefined || fromRoom === toRoom) continue;
    out.push({ ...e, fromRoom, toRoom });
  }
  return out;
}

/** room → imported room → number of import statements (value and type). */
export function roomGraph(edges: readonly ImportEdge[]): Map<string, Map<string, number>> {
  const graph = new Map<string, Map<string, number>>();
  for (const e of crossRoomEdges(edges)) {
    if (!graph.has(e.fromRoom)) graph.set(e.fromRoom, new Map());
    const row = graph.get(e.fromRoom)!;
    row.set(e.toRoom, (row.get(e.toRoom) ?? 0) + 1);
  }
  return graph;
}

/** `src/a.ts:12 → src/b.ts` — the form every violation is reported in. */
export const describeEdge = (e: ImportEdge): string =>
  `${e.from}:${e.line} → ${e.to}${e.typeOnly ? ' (type)' : ''}${e.dynamic ? ' (dynamic)' : ''}`;
