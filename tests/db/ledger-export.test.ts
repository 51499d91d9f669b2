// 导出: the ledger workbook built from seeded ledger and settlement rows, then read back with
// exceljs (rows, amounts to the fen, totals); and the outbox's send_file rendering it at delivery.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { expenseLines, ledgerEntries, outbox, receptions, settlements } from '../../src/db/schema/index.js';
import type { ReceptionRequest } from '../../src/rules/checks/read-request.js';
import { createOutboxSender } from '../../src/jobs/outbox.js';
import { enqueue } from '../../src/chat/outbox.js';
import { buildLedgerWorkbook } from '../../src/statistics/ledger-export.js';
import { ledgerRow, settledOnlyPolicy, YEAR_2026 as year } from './ledger-rows.js';
import { createRecordingMessenger } from './recording-messenger.js';
import { silentLog, testServices, useTestDatabase } from './use-test-database.js';

const tdb = useTestDatabase([expenseLines, settlements, ledgerEntries, outbox, receptions]);
const { policy } = testServices();

/** A settled reception of the bot: the reception, its settlement and lines, its ledger row. */
async function settledReception(code: string, date: string, lines: { category: string; fen: number; persons?: number; payee: string; invoiceNo?: string; payment: string; items?: string }[]) {
  const db = tdb.current.main.db;
  const [r] = await db.insert(receptions).values({ code, requester: 'ou_staff1', department: '招商局', state: 'settled', form: {} as ReceptionRequest }).returning();
  const [s] = await db.insert(settlements).values({ receptionId: r.id, state: 'settled', handler: 'ou_staff1', settledAt: new Date() }).returning();
  await db.insert(expenseLines).values(lines.map((l) => ({ settlementId: s.id, category: l.category, amountFen: l.fen, persons: l.persons, payee: l.payee, invoiceNo: l.invoiceNo, payment: l.payment, items: l.items, createdBy: 'ou_staff1' })));
  const total = lines.reduce((t, l) => t + l.fen, 0);
  await db.insert(ledgerEntries).values(ledgerRow({ source: 'app', receptionId: r.id, code, date, status: 'settled', totalFen: total, category: '外宾接待', kind: '外事', guestCount: 3, letterNo: '外办函〔2026〕8号' }));
  return r.id;
}

async function seed() {
  const db = tdb.current.main.db;
  await db.insert(ledgerEntries).values([
    ledgerRow({ importKey: 'b', category: '客商接待', kind: '商务', guestCount: 4, totalFen: 800_00, date: '2026-02-03' }),
    ledgerRow({ importKey: 'a', category: '厅局级', leadRank: '厅局级正职', guestCount: 12, totalFen: 2_000_50, date: '2026-01-20', department: '经济发展局', letterNo: '发改函〔2026〕3号' }),
    ledgerRow({ source: 'app', code: 'JD-2026-0001', category: '厅局级', leadRank: '厅局级副职', guestCount: 6, totalFen: null, status: 'approved', date: '2026-11-02' }),
    // Outside the year: never exported.
    ledgerRow({ importKey: 'd', guestCount: 100, totalFen: 9_999_00, date: '2025-12-31' }),
  ]);
  await settledReception('JD-2026-0002', '2026-11-15', [
    { category: '餐费', fen: 1_280_50, persons: 8, payee: '园区职工食堂', invoiceNo: '04400001', payment: '公务卡', items: '工作餐（家常菜）' },
    { category: '住宿费', fen: 96_35, payee: '园区宾馆', invoiceNo: '04400002', payment: '银行转账' },
    { category: '交通费', fen: 3_000_00, payee: '市公务用车服务中心', payment: '公务卡' },
  ]);
  // A settled reception of last year: neither its row nor its lines are in 2026's file.
  await settledReception('JD-2025-0009', '2025-12-20', [{ category: '餐费', fen: 777_77, payee: '园区职工食堂', payment: '公务卡' }]);
}

async function readBack(data: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as unknown as ArrayBuffer);
  return wb;
}

/** The values of a row across the sheet's columns; an empty cell reads as undefined. */
const values = (ws: ExcelJS.Worksheet, r: number) => Array.from({ length: ws.columnCount }, (_, i) => ws.getCell(r, i + 1).value ?? undefined);

/** Rows under the header (row 2) until the first empty row. */
function body(ws: ExcelJS.Worksheet): unknown[][] {
  const out: unknown[][] = [];
  for (let r = 3; r <= ws.rowCount && ws.getCell(r, 1).value !== null; r++) out.push(values(ws, r));
  return out;
}

const fenOf = (v: unknown) => Math.round(Number(v) * 100);

describe('the ledger export', () => {
  it('writes every counted reception of the period, the settled expense lines and the summary, exact to the fen', async () => {
    await seed();
    const file = await buildLedgerWorkbook(tdb.current.main.db, policy, year);
    expect(file.name).toBe('接待台账-2026年.xlsx');
    const wb = await readBack(file.data);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['接待台账', '费用明细', '汇总']);

    const ledger = wb.getWorksheet('接待台账')!;
    expect(ledger.getCell(1, 1).value).toBe('接待台账（2026年）');
    expect(values(ledger, 2)).toEqual([
      '接待日期', '编号', '来访单位', '带队领导', '职务', '级别', '接待类型', '来访人数', '事由', '陪餐人数', '费用合计(元)', '承办部门', '公函文号', '统计类别', '状态', '来源',
    ]);
    const rows = body(ledger);
    expect(rows).toHaveLength(4);
    // By arrival date; dates are real dates, money a number of yuan formatted with two decimals.
    expect(rows.map((r) => (r[0] as Date).toISOString().slice(0, 10))).toEqual(['2026-01-20', '2026-02-03', '2026-11-02', '2026-11-15']);
    expect(ledger.getCell(3, 1).numFmt).toBe('yyyy-mm-dd');
    expect(ledger.getCell(3, 11).numFmt).toBe('#,##0.00');
    expect(rows[0]).toEqual([
      expect.any(Date), undefined, '省发展和改革委员会', '张伟', '处长', '厅局级正职', '公务', 12, '考察调研', 2, 2000.5, '经济发展局', '发改函〔2026〕3号', '厅局级', '历史导入', '历史台账',
    ]);
    expect(rows[2].slice(1, 2)).toEqual(['JD-2026-0001']);
    expect(rows[2][10]).toBeUndefined(); // approved, not settled: no money yet
    expect(rows[2].slice(14)).toEqual(['已批准', '接待助手']);
    expect(rows[3].slice(1, 2)).toEqual(['JD-2026-0002']);
    expect(fenOf(rows[3][10])).toBe(4_376_85);
    expect(rows[3].slice(12)).toEqual(['外办函〔2026〕8号', '外宾接待', '已结算', '接待助手']);
    expect(rows.reduce((t, r) => t + (r[10] === undefined ? 0 : fenOf(r[10])), 0)).toBe(7_177_35);

    const lines = wb.getWorksheet('费用明细')!;
    expect(values(lines, 2)).toEqual(['编号', '类别', '金额(元)', '人数', '收款单位', '发票号', '支付方式', '明细']);
    const lineRows = body(lines);
    expect(lineRows).toEqual([
      ['JD-2026-0002', '餐费', 1280.5, 8, '园区职工食堂', '04400001', '公务卡', '工作餐（家常菜）'],
      ['JD-2026-0002', '住宿费', 96.35, undefined, '园区宾馆', '04400002', '银行转账', undefined],
      ['JD-2026-0002', '交通费', 3000, undefined, '市公务用车服务中心', undefined, '公务卡', undefined],
    ]);
    expect(lineRows.reduce((t, r) => t + fenOf(r[2]), 0)).toBe(4_376_85);

    const summary = wb.getWorksheet('汇总')!;
    expect(values(summary, 2)).toEqual(['统计类别', '批次', '人次', '费用(元)']);
    const cats = body(summary);
    expect(cats.map((c) => c[0])).toEqual(['省部级及以上', '厅局级', '大型活动', '外宾接待', '客商接待', '指导接待', '其他', '合计']);
    expect(cats.find((c) => c[0] === '厅局级')).toEqual(['厅局级', 2, 18, 2000.5]);
    expect(cats.find((c) => c[0] === '外宾接待')).toEqual(['外宾接待', 1, 3, 4376.85]);
    const total = cats.at(-1)!;
    expect(total.slice(0, 3)).toEqual(['合计', 4, 25]);
    expect(fenOf(total[3])).toBe(7_177_35);
    const text = (summary.getSheetValues() as unknown[][]).flat().filter((v): v is string => typeof v === 'string').join('\n');
    expect(text).toContain('统计口径：已审批通过');
    expect(text).toContain('另有1批次接待尚未结算');
    expect(text).toContain('费用明细共3笔，合计4,376.85元');
    expect(text).toContain('承办部门');

    // Printed as the office prints: A4, one page wide, the column headings on every page, page numbers.
    for (const ws of [ledger, lines, summary]) {
      expect(ws.pageSetup).toMatchObject({ paperSize: 9, fitToPage: true, fitToWidth: 1, printTitlesRow: '2:2' });
      expect(ws.headerFooter.oddFooter).toBe('&C第 &P 页，共 &N 页');
    }
    expect([ledger.pageSetup.orientation, summary.pageSetup.orientation]).toEqual(['landscape', 'portrait']);
  });

  it('leaves approved receptions out when the policy counts only settled ones', async () => {
    await seed();
    const settledOnly = settledOnlyPolicy();
    const wb = await readBack((await buildLedgerWorkbook(tdb.current.main.db, settledOnly, year)).data);
    const rows = body(wb.getWorksheet('接待台账')!);
    expect(rows.map((r) => r[14])).toEqual(['历史导入', '历史导入', '已结算']);
    const text = (wb.getWorksheet('汇总')!.getSheetValues() as unknown[][]).flat().filter((v): v is string => typeof v === 'string').join('\n');
    expect(text).toContain('统计口径：已结算的接待');
  });

  it('says so when the period has nothing, and names a month range in the file name', async () => {
    await seed();
    const period = { from: '2026-04-01', to: '2026-06-30', label: '2026年4月至6月' };
    const file = await buildLedgerWorkbook(tdb.current.main.db, policy, period);
    expect(file.name).toBe('接待台账-2026年4月至6月.xlsx');
    const wb = await readBack(file.data);
    expect(wb.getWorksheet('接待台账')!.getCell(3, 1).value).toBe('2026年4月至6月无计入统计的接待记录。');
    expect(String(wb.getWorksheet('费用明细')!.getCell(3, 1).value)).toContain('无已结算的接待费用明细');
  });

  it('renders the file at delivery, uploads it and sends it as a file message (send_file)', async () => {
    await seed();
    const db = tdb.current.main.db;
    const rec = createRecordingMessenger();
    const id = await enqueue(db, { op: 'send_file', to: { type: 'user', id: 'ou_office1' }, file: { kind: 'ledger_export', ...year } });
    // Written after the row was queued: the file still has it, since it is built when sent.
    await db.insert(ledgerEntries).values(ledgerRow({ importKey: 'late', date: '2026-12-01', guestUnit: '市商务局' }));
    const sender = createOutboxSender({ db, messenger: rec.messenger, log: silentLog, renderFile: (d, spec) => buildLedgerWorkbook(d, policy, spec) });
    await sender.drain();
    expect(rec.files.map((f) => f.name)).toEqual(['接待台账-2026年.xlsx']);
    expect(rec.delivered.get(id)).toMatchObject({ to: { type: 'user', id: 'ou_office1' }, message: { kind: 'file', fileKey: 'file_1' } });
    const rows = body((await readBack(rec.files[0].data)).getWorksheet('接待台账')!);
    expect(rows.map((r) => r[2])).toContain('市商务局');
  });

  it('fails a send_file for good when no renderer is configured', async () => {
    const db = tdb.current.main.db;
    const rec = createRecordingMessenger();
    await enqueue(db, { op: 'send_file', to: { type: 'user', id: 'ou_office1' }, file: { kind: 'ledger_export', ...year } });
    const sender = createOutboxSender({ db, messenger: rec.messenger, log: silentLog });
    await sender.drain();
    const [r] = await db.select().from(outbox);
    expect(r).toMatchObject({ status: 'failed', lastError: 'no file renderer configured' });
    expect(rec.files).toHaveLength(0);
  });
});
