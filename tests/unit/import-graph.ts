// The import graph of src/, read with TypeScript's own pre-processor (every import, export-from,
// `import type` and dynamic import() with a literal specifier), for the architecture check.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const root = path.resolve(import.meta.dirname, '..', '..');
const src = path.join(root, 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'public' ? [] : sourceFiles(p);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Each src file (relative to the repo, e.g. `src/chat/pipeline.ts`) with the src files it imports. */
export function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(src)) {
    const text = fs.readFileSync(file, 'utf8');
    const info = ts.preProcessFile(text, true, true);
    const targets = info.importedFiles
      .map((f) => f.fileName)
      .filter((s) => s.startsWith('.'))
      .map((s) => path.resolve(path.dirname(file), s).replace(/\.js$/, '.ts'))
      .filter((t) => fs.existsSync(t))
      .map((t) => path.relative(root, t));
    graph.set(path.relative(root, file), [...new Set(targets)]);
  }
  return graph;
}

/** The folder a file belongs to: `src/chat/pipeline.ts` → `chat`; a file directly in src/ is its own name. */
export const folderOf = (file: string): string => {
  const parts = file.split('/');
  return parts.length > 2 ? parts[1]! : parts[1]!.replace(/\.ts$/, '');
};

/** Every cycle found by a depth-first walk (each as the list of nodes, first repeated at the end). */
export function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === 'open') found.push([...stack.slice(stack.indexOf(m)), m]);
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of [...graph.keys()].sort()) if (!state.has(n)) visit(n);
  return found;
}

/** The graph between folders (an edge when any file of one imports a file of the other). */
export function folderGraph(graph: Map<string, string[]>): Map<string, string[]> {
  const g = new Map<string, Set<string>>();
  for (const [from, tos] of graph) {
    const a = folderOf(from);
    if (!g.has(a)) g.set(a, new Set());
    for (const to of tos) if (folderOf(to) !== a) g.get(a)!.add(folderOf(to));
  }
  return new Map([...g].map(([k, v]) => [k, [...v]]));
}
