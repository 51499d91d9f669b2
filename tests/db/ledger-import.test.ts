// Importing a read ledger into ledger_entries (PGlite here, PostgreSQL with npm run test:pg): all
// good rows in one transaction; any bad row imports nothing unless skipped; the same rows twice once.
import { createHash } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ledgerEntries } from '../../src/db/schema/index.js';
import { importLedger, summaryLine } from '../../src/statistics/ledger-import.js';
import { readLedgerFile } from '../../src/statistics/ledger-read.js';
import { csvText, excelDate, GOOD_ROWS, HEADER, workbook } from '../fixtures/ledger-files.js';
import { testServices, useTestDatabase } from './use-test-database.js';

const tdb = useTestDatabase([ledgerEntries]);
const { policy } = testServices();

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
async function load(name: string, bytes: Buffer) {
  return { file: await readLedgerFile(name, bytes, { today: '2026-06-30', inThisThread: true }), batch: sha(bytes) };
}
const entries = () => tdb.current.main.db.select().from(ledgerEntries).orderBy(asc(ledgerEntries.date));

const bad = (over: Record<string, string>) => HEADER.map((h, i) => over[h] ?? GOOD_ROWS[0][i]);
const MIXED = csvText([GOOD_ROWS[0], bad({ 级别: '处级', 来访单位: '某市' }), GOOD_ROWS[1], GOOD_ROWS[0], GOOD_ROWS[2]]);

describe('importing a ledger', () => {
  it('imports every good row in one go, as imported history with its statistics category', async () => {
    const bytes = Buffer.from(csvText(GOOD_ROWS));
    const { file, batch } = await load('a.csv', bytes);
    const r = await importLedger(tdb.current.main.db, policy, file, { batch });
    expect(r).toMatchObject({ total: 3, toImport: 3, imported: 3, alreadyImported: 0, bad: 0, blocked: false });
    expect(summaryLine(r)).toBe('共 3 行：可导入 3 行，已导入过 0 行，错误 0 行');
    const rows = await entries();
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      source: 'import',
      status: 'imported',
      receptionId: null,
      code: null,
      importBatch: batch,
      importKey: file.rows[0].importKey,
      date: '2025-03-05',
      guestUnit: '省发展和改革委员会',
      leadRank: '县处级正职',
      kind: '公务',
      guestCount: 5,
      accompanyCount: 2,
      totalFen: 860_00,
      letterNo: '省发改函〔2025〕12号',
      category: '其他',
      findings: 0,
    });
    expect(rows[1]).toMatchObject({ category: '厅局级', totalFen: 1_280_50, letterNo: null });
    expect(rows[2]).toMatchObject({ category: '客商接待', totalFen: 0, accompanyCount: 0 });
  });

  it('imports nothing when any row is bad, and says what it would have imported', async () => {
    const { file, batch } = await load('a.csv', Buffer.from(MIXED));
    const r = await importLedger(tdb.current.main.db, policy, file, { batch });
    expect(r).toMatchObject({ total: 5, toImport: 3, imported: 0, bad: 2, blocked: true });
    expect(summaryLine(r)).toBe('共 5 行：可导入 3 行，已导入过 0 行，错误 2 行');
    expect(await entries()).toEqual([]);
  });

  it('with skipBad imports the good rows only (the first of two equal rows)', async () => {
    const { file, batch } = await load('a.csv', Buffer.from(MIXED));
    const r = await importLedger(tdb.current.main.db, policy, file, { batch, skipBad: true });
    expect(r).toMatchObject({ imported: 3, bad: 2, blocked: false });
    expect((await entries()).map((e) => e.guestUnit)).toEqual(['省发展和改革委员会', '市商务局', '某某科技有限公司']);
  });

  it('a dry run writes nothing', async () => {
    const { file, batch } = await load('a.csv', Buffer.from(csvText(GOOD_ROWS)));
    const r = await importLedger(tdb.current.main.db, policy, file, { batch, dryRun: true });
    expect(r).toMatchObject({ toImport: 3, imported: 0, blocked: false, dryRun: true });
    expect(await entries()).toEqual([]);
  });

  it('imports the same file twice once; the same rows in a workbook are already imported', async () => {
    const bytes = Buffer.from(csvText(GOOD_ROWS));
    const first = await load('a.csv', bytes);
    expect((await importLedger(tdb.current.main.db, policy, first.file, { batch: first.batch })).imported).toBe(3);
    const again = await importLedger(tdb.current.main.db, policy, first.file, { batch: first.batch });
    expect(again).toMatchObject({ toImport: 0, imported: 0, alreadyImported: 3, blocked: false });

    // Two rows again (as a workbook, with date cells) and one new row: only the new one is written.
    const xlsx = await workbook([
      [excelDate('2025-03-05'), '省发展和改革委员会', '张伟', '处长', '县处级正职', '公务', 5, '考察调研', 2, 860, '招商局', '省发改函〔2025〕12号'],
      [excelDate('2025-04-01'), '市商务局', '李明', '局长', '厅局级正职', '公务', 12, '调研产业园区', 4, 1280.5, '经济发展局', null],
      [excelDate('2025-06-18'), '省商务厅', '赵六', '副厅长', '厅局级副职', '公务', 6, '检查指导', 3, 1500, '招商局', '省商函〔2025〕8号'],
    ]);
    const second = await load('b.xlsx', xlsx);
    const r = await importLedger(tdb.current.main.db, policy, second.file, { batch: second.batch });
    expect(r).toMatchObject({ total: 3, toImport: 1, imported: 1, alreadyImported: 2 });
    const rows = await entries();
    expect(rows).toHaveLength(4);
    expect(rows.filter((e) => e.importBatch === second.batch).map((e) => e.guestUnit)).toEqual(['省商务厅']);
  });

  it('two imports of the same file at once write each row once', async () => {
    const other = await tdb.current.connect();
    const { file, batch } = await load('a.csv', Buffer.from(csvText(GOOD_ROWS)));
    const results = await Promise.all([importLedger(tdb.current.main.db, policy, file, { batch }), importLedger(other.db, policy, file, { batch })]);
    expect(results.map((r) => r.imported).reduce((a, b) => a + b, 0)).toBe(3);
    expect(results.map((r) => r.imported + r.alreadyImported)).toEqual([3, 3]);
    expect(await entries()).toHaveLength(3);
  });

  it('a file that cannot be read imports nothing, even when bad rows may be skipped', async () => {
    const { file, batch } = await load('a.csv', Buffer.from(csvText([GOOD_ROWS[0].slice(0, 11)], HEADER.slice(0, 11))));
    const r = await importLedger(tdb.current.main.db, policy, file, { batch, skipBad: true });
    expect(r).toMatchObject({ blocked: true, imported: 0 });
    expect(await tdb.current.main.db.select().from(ledgerEntries).where(eq(ledgerEntries.source, 'import'))).toEqual([]);
  });

  it('does not import again a reception the bot already holds (same date, guest unit and lead guest)', async () => {
    const bytes = Buffer.from(csvText(GOOD_ROWS));
    const { file, batch } = await load('overlap.csv', bytes);
    const first = file.rows[0];
    await tdb.current.main.db.insert(ledgerEntries).values({
      source: 'app', code: 'JD-2026-0001', date: first.date, guestUnit: first.guestUnit, leadName: first.leadName, leadTitle: first.leadTitle,
      leadRank: first.leadRank, kind: first.kind, guestCount: first.guestCount, purpose: first.purpose, department: first.department, category: '其他', status: 'settled', totalFen: first.totalFen,
    });
    const r = await importLedger(tdb.current.main.db, policy, file, { batch });
    expect(r).toMatchObject({ imported: 2, alreadyInBot: 1 });
    expect(summaryLine(r)).toContain('（其中 1 行为接待助手中已有的接待）');
    expect((await entries()).filter((e) => e.date === first.date && e.leadName === first.leadName)).toHaveLength(1);
  });
});
