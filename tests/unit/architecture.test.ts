// The import rules of docs/architecture.md, checked on every `npm test`: imports point one way.
import { describe, expect, it } from 'vitest';
import { cycles, folderGraph, folderOf, importGraph } from './import-graph.js';

const graph = importGraph();
const FEATURES = ['request', 'approval', 'plan', 'settlement', 'statistics', 'reception'];
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

  it('only main.ts and the command-line tools import the composition root (app.ts)', () => {
    const importers = [...graph].filter(([, tos]) => tos.includes('src/app.ts')).map(([from]) => from);
    expect(importers.filter((f) => f !== 'src/main.ts' && folderOf(f) !== 'cli')).toEqual([]);
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
