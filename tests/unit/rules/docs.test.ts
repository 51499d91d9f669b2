// docs/rules.md lists every finding the engine can raise: every rule code written in src/rules
// (finding('R8', …), rule = 'meals.max_minutes', rule: 'foreign.daily_meals') is in its table.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));

it('docs/rules.md lists every finding code the rules engine can raise, with its severity', () => {
  const codes = new Set<string>();
  for (const file of sources(path.join(root, 'src/rules'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/finding\(\s*'([^']+)'|\brule\d? = '([^']+)'|\brule: '([^']+)'/g)) codes.add(m[1] ?? m[2] ?? m[3]);
  }
  expect(codes.size).toBeGreaterThan(20);
  expect([...codes]).toContain('approval_first');
  const doc = readFileSync(path.join(root, 'docs/rules.md'), 'utf8');
  const rows = doc.split('\n').filter((l) => l.startsWith('| `'));
  const missing = [...codes].filter((c) => !rows.some((r) => r.startsWith(`| \`${c}\` |`) && /\| (block|reason|info|`over_standard`|`late_severity`)/.test(r)));
  expect(missing).toEqual([]);
});
