// What the ledger tests of this tier seed and count with: a ledger row with every field filled
// (override what a test is about), the fixture year, and the bundled policy set to count only
// settled receptions.
import fs from 'node:fs';
import { bundled } from '../../src/config.js';
import type { ledgerEntries } from '../../src/db/schema/index.js';
import { EXAMPLE_ROW } from '../../src/statistics/ledger-read.js';
import { parsePolicy } from '../../src/rules/policy/load-policy.js';

export type LedgerRowInsert = typeof ledgerEntries.$inferInsert;

/** An imported row: the import template's example (2026-03-05, 5 guests of 省发展和改革委员会 on 公务, 招商局) at 100.00 元, without a letter number, category 其他; `over` replaces fields. */
export const ledgerRow = (over: Partial<LedgerRowInsert>): LedgerRowInsert => ({
  source: 'import',
  ...EXAMPLE_ROW,
  letterNo: null,
  totalFen: 100_00,
  category: '其他',
  status: 'imported',
  ...over,
});

/** The fixture year. */
export const YEAR_2026 = { from: '2026-01-01', to: '2026-12-31', label: '2026年' };

/** The bundled policy with `count: settled` in place of `count: approved`. */
export const settledOnlyPolicy = () => parsePolicy(fs.readFileSync(bundled.policy, 'utf8').replace(/^  count: approved$/m, '  count: settled'));
