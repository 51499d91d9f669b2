// What the ledger tests of this tier seed and count with: a ledger row with every field filled
// (override what a test is about), the fixture year, and the bundled policy set to count only
// settled receptions.
import fs from 'node:fs';
import { bundled } from '../../src/config.js';
import type { ledgerEntries } from '../../src/db/schema.js';
import { parsePolicy } from '../../src/rules/load-policy.js';

export type LedgerRowInsert = typeof ledgerEntries.$inferInsert;

/** An imported 2026-03-05 row: 5 guests of 省发展和改革委员会 on 公务, 100.00 元, 招商局, category 其他; `over` replaces fields. */
export const ledgerRow = (over: Partial<LedgerRowInsert>): LedgerRowInsert => ({
  source: 'import',
  date: '2026-03-05',
  guestUnit: '省发展和改革委员会',
  leadName: '张伟',
  leadTitle: '处长',
  leadRank: '县处级正职',
  kind: '公务',
  guestCount: 5,
  purpose: '考察调研',
  accompanyCount: 2,
  totalFen: 100_00,
  department: '招商局',
  category: '其他',
  status: 'imported',
  ...over,
});

/** The fixture year. */
export const YEAR_2026 = { from: '2026-01-01', to: '2026-12-31', label: '2026年' };

/** The bundled policy with `count: settled` in place of `count: approved`. */
export const settledOnlyPolicy = () => parsePolicy(fs.readFileSync(bundled.policy, 'utf8').replace(/^  count: approved$/m, '  count: settled'));
