// The import rules of docs/architecture.md, checked on every `npm test`: imports point one way.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycles, folderGraph, folderOf, importGraph, root } from './import-graph.js';

const graph = importGraph();
const FEATURES = ['request', 'approval', 'plan', 'settlement', 'statistics', 'reception', 'calendar'];
/** Pure parts: they compute and build, and never reach a database, a feature or a transport. */
const PURE = ['rules', 'lib', 'cards'];

/** `from -> to` for every import whose target folder is in `banned`. */
function offending(fromFolders: string[], banned: (to: string) => boolean): string[] {
  const out: string[] = [];
  for (const [from, tos] of graph) {
    if (!fromFolders.includes(folderOf(from))) continue;
    for (const to of tos) if (banned(to)) out.push(`${from} -> ${to}`);
  }
  return out;
}

describe('imports point one way', () => {
  it('reads the whole source tree', () => {
    expect(graph.size).toBeGreaterThan(80);
    expect(graph.get('src/main.ts')).toContain('src/app.ts');
  });

  it('no feature, port or job imports a platform (Feishu, DingTalk, the simulator)', () => {
    const inside = [...FEATURES, 'chat', 'jobs', 'org', 'db', ...PURE];
    expect(offending(inside, (to) => folderOf(to) === 'platforms')).toEqual([]);
  });

  it('rules, helpers and card kits import no database, feature, port, job or platform', () => {
    const banned = new Set(['db', 'chat', 'jobs', 'platforms', 'commands', 'app', 'cli', ...FEATURES]);
    expect(offending(PURE, (to) => banned.has(folderOf(to)))).toEqual([]);
  });

  it('only main.ts and the command-line tools import the composition root (app.ts, its core.ts, work.ts and work-thread.ts)', () => {
    const importers = (file: string) => [...graph].filter(([, tos]) => tos.includes(file)).map(([from]) => from);
    const root = ['src/app.ts', 'src/core.ts', 'src/work.ts', 'src/work-thread.ts', 'src/main.ts'];
    expect(importers('src/app.ts').filter((f) => f !== 'src/main.ts' && folderOf(f) !== 'cli')).toEqual([]);
    for (const part of root.slice(1, 4)) expect(importers(part).filter((f) => !root.includes(f) && folderOf(f) !== 'cli')).toEqual([]);
  });

  it('no platform imports another platform', () => {
    const out = [...graph].flatMap(([from, tos]) =>
      folderOf(from) === 'platforms' ? tos.filter((to) => folderOf(to) === 'platforms' && to.split('/')[2] !== from.split('/')[2]).map((to) => `${from} -> ${to}`) : [],
    );
    expect(out).toEqual([]);
  });

  it('no import circle between files', () => {
    expect(cycles(graph).map((c) => c.join(' -> '))).toEqual([]);
  });

  it('no import circle between folders', () => {
    expect(cycles(folderGraph(graph)).map((c) => c.join(' -> '))).toEqual([]);
  });
});

/** Source files over the limit today, each being split by responsibility; the list only shrinks. */
const LONG_FILES_BEING_SPLIT: string[] = [];
const MAX_LINES = 300;
const MAX_FILES_PER_FOLDER = 15;
const linesOf = (file: string) => {
  const p = path.join(root, file);
  return fs.existsSync(p) ? fs.readFileSync(p, 'utf8').split('\n').length - 1 : 0;
};

describe('files and folders a reader can take in', () => {
  // The graph holds every src .ts file but the simulator's browser scripts (src/platforms/simulator/public).
  it(`no source file runs past ${MAX_LINES} lines, but for the ones still being split`, () => {
    const long = [...graph.keys()].filter((f) => linesOf(f) > MAX_LINES && !LONG_FILES_BEING_SPLIT.includes(f));
    expect(long.map((f) => `${f}: ${linesOf(f)} lines`)).toEqual([]);
  });

  it('a file leaves the list of long files once it is split', () => {
    expect(LONG_FILES_BEING_SPLIT.filter((f) => linesOf(f) <= MAX_LINES)).toEqual([]);
  });

  it(`no folder holds more than ${MAX_FILES_PER_FOLDER} source files directly`, () => {
    const perFolder = new Map<string, number>();
    for (const f of graph.keys()) perFolder.set(path.dirname(f), (perFolder.get(path.dirname(f)) ?? 0) + 1);
    expect([...perFolder].filter(([, n]) => n > MAX_FILES_PER_FOLDER).map(([d, n]) => `${d}: ${n} files`)).toEqual([]);
  });
});
