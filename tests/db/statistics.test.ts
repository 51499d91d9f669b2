// Totals over a fixture year, on the ledger (PGlite here, PostgreSQL with npm run test:pg).
import { describe, expect, it } from 'vitest';
import { ledgerEntries } from '../../src/db/schema/index.js';
import { computeStatistics } from '../../src/statistics/statistics.js';
import { ledgerRow, settledOnlyPolicy, YEAR_2026 as year } from './ledger-rows.js';
import { testServices, useTestDatabase } from './use-test-database.js';

const tdb = useTestDatabase([ledgerEntries]);
const { policy } = testServices();

describe('statistics over a fixture year', () => {
  async function seed() {
    await tdb.current.main.db.insert(ledgerEntries).values([
      ledgerRow({ importKey: 'a', category: '省部级及以上', leadRank: '省部级副职', guestCount: 9, totalFen: 1_200_00, date: '2026-01-10' }),
      ledgerRow({ importKey: 'b', category: '厅局级', leadRank: '厅局级正职', guestCount: 12, totalFen: 2_000_50, date: '2026-01-20', department: '经济发展局' }),
      ledgerRow({ importKey: 'c', category: '客商接待', kind: '商务', guestCount: 4, totalFen: 800_00, date: '2026-02-03', findings: 2 }),
      ledgerRow({ source: 'app', code: 'JD-2026-0001', category: '厅局级', leadRank: '厅局级副职', guestCount: 6, totalFen: null, status: 'approved', date: '2026-11-02' }),
      ledgerRow({ source: 'app', code: 'JD-2026-0002', category: '外宾接待', kind: '外事', guestCount: 3, totalFen: 3_000_00, status: 'settled', date: '2026-11-15', findings: 1 }),
      // Outside the year: never counted.
      ledgerRow({ importKey: 'd', guestCount: 100, totalFen: 9_999_00, date: '2025-12-31' }),
      ledgerRow({ importKey: 'e', guestCount: 100, totalFen: 9_999_00, date: '2027-01-01' }),
    ]);
  }

  it('totals batches, persons and money by category, department and month', async () => {
    await seed();
    const s = await computeStatistics(tdb.current.main.db, policy, year);
    expect(s.total).toEqual({ batches: 5, persons: 34, fen: 7_000_50 });
    expect(s.byCategory.find((c) => c.category === '厅局级')).toEqual({ category: '厅局级', batches: 2, persons: 18, fen: 2_000_50 });
    expect(s.byCategory.find((c) => c.category === '省部级及以上')).toMatchObject({ batches: 1, persons: 9 });
    expect(s.byCategory.find((c) => c.category === '指导接待')).toEqual({ category: '指导接待', batches: 0, persons: 0, fen: 0 });
    expect(s.byCategory.map((c) => c.category)).toEqual(['省部级及以上', '厅局级', '大型活动', '外宾接待', '客商接待', '指导接待', '其他']);
    expect(s.byDepartment).toEqual([
      { department: '招商局', batches: 4, persons: 22, fen: 5_000_00 },
      { department: '经济发展局', batches: 1, persons: 12, fen: 2_000_50 },
    ]);
    expect(s.byMonth.map((m) => [m.month, m.batches])).toEqual([
      ['2026-01', 2],
      ['2026-02', 1],
      ['2026-11', 2],
    ]);
    expect(s.unsettled).toBe(1);
    expect(s.findings).toEqual({ count: 3, receptions: 2 });
    expect(s.budget).toEqual([{ year: 2026, annualFen: 80_000_000, usedFen: 7_000_50 }]);
    expect(s.basis).toContain('已审批通过');
  });

  it('counts only settled receptions (and imported history) when the policy says so, and says which', async () => {
    await seed();
    const settledOnly = settledOnlyPolicy();
    const s = await computeStatistics(tdb.current.main.db, settledOnly, year);
    expect(s.total.batches).toBe(4);
    expect(s.unsettled).toBe(0);
    expect(s.basis).toContain('已结算的接待');
  });

  it('keeps a month on its own', async () => {
    await seed();
    const s = await computeStatistics(tdb.current.main.db, policy, { from: '2026-01-01', to: '2026-01-31', label: '2026年1月' });
    expect(s.total).toEqual({ batches: 2, persons: 21, fen: 3_200_50 });
    expect(s.budget[0].usedFen).toBe(7_000_50);
  });
});
