// 导出 (docs/contracts.md §2.5): the ledger of a period as a spreadsheet. 接待台账 (every reception statistics
// count, the bot's and imported history, by arrival date), 费用明细 (the expense lines of the bot's
// settled receptions) and 汇总 (the statistics by category and department, with the 统计口径).
import { and, asc, between, eq, inArray } from 'drizzle-orm';
import type ExcelJS from 'exceljs';
import type { HandlerContext } from '../chat/context.js';
import { isFinance, isOffice } from '../org/access.js';
import type { MessageEvent } from '../chat/event.js';
import type { Executor } from '../db/client.js';
import { expenseLines, ledgerEntries, settlements } from '../db/schema/index.js';
import type { Policy } from '../rules/policy/policy-schema.js';
import { formatFen } from '../lib/money.js';
import { computeStatistics, countedStatuses, parsePeriod, type Period } from './statistics.js';
import { excel, FONT, BORDER, LABEL_FILL, MONEY, printSetup, toYuan } from '../lib/xlsx-style.js';

type Worksheet = ExcelJS.Worksheet;
type Value = string | number | Date | null | undefined;

export const LEDGER_STATUS_LABELS: Record<string, string> = { approved: '已批准', settled: '已结算', imported: '历史导入' };
const SOURCE_LABELS: Record<string, string> = { app: '接待助手', import: '历史台账' };

interface Column {
  header: string;
  width: number;
  money?: boolean;
  date?: boolean;
  align?: 'left' | 'center' | 'right';
}

const LEDGER_COLUMNS: Column[] = [
  { header: '接待日期', width: 12, date: true, align: 'center' },
  { header: '编号', width: 14, align: 'center' },
  { header: '来访单位', width: 26 },
  { header: '带队领导', width: 10, align: 'center' },
  { header: '职务', width: 14 },
  { header: '级别', width: 12, align: 'center' },
  { header: '接待类型', width: 10, align: 'center' },
  { header: '来访人数', width: 9, align: 'center' },
  { header: '事由', width: 30 },
  { header: '陪餐人数', width: 9, align: 'center' },
  { header: '费用合计(元)', width: 14, money: true },
  { header: '承办部门', width: 14, align: 'center' },
  { header: '公函文号', width: 18 },
  { header: '统计类别', width: 12, align: 'center' },
  { header: '状态', width: 10, align: 'center' },
  { header: '来源', width: 10, align: 'center' },
];

const LINE_COLUMNS: Column[] = [
  { header: '编号', width: 14, align: 'center' },
  { header: '类别', width: 12, align: 'center' },
  { header: '金额(元)', width: 14, money: true },
  { header: '人数', width: 7, align: 'center' },
  { header: '收款单位', width: 26 },
  { header: '发票号', width: 22 },
  { header: '支付方式', width: 10, align: 'center' },
  { header: '明细', width: 32 },
];

const SUMMARY_COLUMNS = (first: string): Column[] => [
  { header: first, width: 16, align: 'center' },
  { header: '批次', width: 10, align: 'center' },
  { header: '人次', width: 10, align: 'center' },
  { header: '费用(元)', width: 16, money: true },
];

function styleCell(cell: ExcelJS.Cell, c: Column, bold = false): void {
  cell.font = { ...FONT, bold };
  cell.border = BORDER;
  cell.alignment = { vertical: 'middle', horizontal: c.align ?? (c.money ? 'right' : 'left'), wrapText: true };
  if (c.money) cell.numFmt = MONEY;
  if (c.date) cell.numFmt = 'yyyy-mm-dd';
}

/** A bold title over `cols` columns, without borders. */
function title(ws: Worksheet, r: number, text: string, cols: number): void {
  ws.mergeCells(r, 1, r, cols);
  const cell = ws.getCell(r, 1);
  cell.value = text;
  cell.font = { ...FONT, bold: true, size: 14 };
  cell.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(r).height = 26;
}

function headerRow(ws: Worksheet, r: number, columns: Column[]): void {
  columns.forEach((c, i) => {
    const cell = ws.getCell(r, i + 1);
    cell.value = c.header;
    cell.font = { ...FONT, bold: true };
    cell.fill = LABEL_FILL;
    cell.border = BORDER;
    cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  });
}

/** One data row; money values are given in fen, dates as YYYY-MM-DD. */
function dataRow(ws: Worksheet, r: number, columns: Column[], values: Value[], bold = false): void {
  columns.forEach((c, i) => {
    const v = values[i];
    const cell = ws.getCell(r, i + 1);
    if (v === null || v === undefined || v === '') cell.value = null;
    else if (c.money && typeof v === 'number') cell.value = toYuan(v);
    else if (c.date && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) cell.value = new Date(`${v}T00:00:00Z`);
    else cell.value = v;
    styleCell(cell, c, bold);
  });
}

/** A line of text across the sheet, wrapped, without borders. */
function note(ws: Worksheet, r: number, text: string, cols: number): void {
  ws.mergeCells(r, 1, r, cols);
  const cell = ws.getCell(r, 1);
  cell.value = text;
  cell.font = { ...FONT, size: 10 };
  cell.alignment = { vertical: 'top', horizontal: 'left', wrapText: true };
  const width = ws.columns.slice(0, cols).reduce((w, c) => w + (c.width ?? 9), 0);
  ws.getRow(r).height = Math.max(1, Math.ceil((text.length * 2) / Math.max(1, width - 2))) * 14 + 4;
}

function tableSheet(wb: ExcelJS.Workbook, name: string, heading: string, columns: Column[], rows: Value[][], empty: string): Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 2 }] });
  ws.columns = columns.map(({ width }) => ({ width }));
  printSetup(ws, 'landscape', { titleRows: '2:2', side: 0.39 });
  title(ws, 1, heading, columns.length);
  headerRow(ws, 2, columns);
  rows.forEach((values, i) => dataRow(ws, 3 + i, columns, values));
  if (rows.length) ws.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2 + rows.length, column: columns.length } };
  else note(ws, 3, empty, columns.length);
  return ws;
}

/** The period's ledger rows that statistics count, by arrival date. */
async function ledgerRows(db: Executor, policy: Policy, period: Period) {
  const l = ledgerEntries;
  return db
    .select()
    .from(l)
    .where(and(between(l.date, period.from, period.to), inArray(l.status, countedStatuses(policy))))
    .orderBy(asc(l.date), asc(l.code), asc(l.id));
}

/** The expense lines of the bot's receptions in the period that are settled. */
async function settledLines(db: Executor, period: Period) {
  const l = ledgerEntries;
  return db
    .select({
      code: l.code,
      category: expenseLines.category,
      amountFen: expenseLines.amountFen,
      persons: expenseLines.persons,
      payee: expenseLines.payee,
      invoiceNo: expenseLines.invoiceNo,
      payment: expenseLines.payment,
      items: expenseLines.items,
    })
    .from(l)
    .innerJoin(settlements, eq(settlements.receptionId, l.receptionId))
    .innerJoin(expenseLines, eq(expenseLines.settlementId, settlements.id))
    .where(and(between(l.date, period.from, period.to), eq(l.status, 'settled'), eq(settlements.state, 'settled')))
    .orderBy(asc(l.date), asc(l.code), asc(expenseLines.id));
}

export const ledgerExportName = (period: Period) => `接待台账-${period.label}.xlsx`;

/** The .xlsx of a period: 接待台账, 费用明细, 汇总. Amounts are exact to the fen. */
export async function buildLedgerWorkbook(db: Executor, policy: Policy, period: Period): Promise<{ name: string; data: Buffer }> {
  const [entries, lines, stats] = await Promise.all([ledgerRows(db, policy, period), settledLines(db, period), computeStatistics(db, policy, period)]);
  const wb = new (excel().Workbook)();
  wb.creator = '接待助手';
  wb.title = `接待台账 ${period.label}`;

  tableSheet(
    wb,
    '接待台账',
    `接待台账（${period.label}）`,
    LEDGER_COLUMNS,
    entries.map((e) => [
      e.date,
      e.code ?? '',
      e.guestUnit,
      e.leadName,
      e.leadTitle,
      e.leadRank,
      e.kind,
      e.guestCount,
      e.purpose,
      e.accompanyCount,
      e.totalFen,
      e.department,
      e.letterNo ?? '',
      e.category,
      LEDGER_STATUS_LABELS[e.status] ?? e.status,
      SOURCE_LABELS[e.source] ?? e.source,
    ]),
    `${period.label}无计入统计的接待记录。`,
  );

  tableSheet(
    wb,
    '费用明细',
    `接待费用明细（${period.label}）`,
    LINE_COLUMNS,
    lines.map((x) => [x.code ?? '', x.category, x.amountFen, x.persons ?? '', x.payee, x.invoiceNo ?? '', x.payment, x.items ?? '']),
    `${period.label}无已结算的接待费用明细（导入的历史台账只有费用合计，见“接待台账”）。`,
  );

  const ws = wb.addWorksheet('汇总');
  const byCategory = SUMMARY_COLUMNS('统计类别');
  ws.columns = byCategory.map(({ width }) => ({ width }));
  printSetup(ws, 'portrait', { titleRows: '2:2', side: 0.39 });
  title(ws, 1, `接待情况汇总（${period.label}）`, byCategory.length);
  headerRow(ws, 2, byCategory);
  let row = 3;
  for (const c of stats.byCategory) dataRow(ws, row++, byCategory, [c.category, c.batches, c.persons, c.fen]);
  dataRow(ws, row++, byCategory, ['合计', stats.total.batches, stats.total.persons, stats.total.fen], true);
  row++;
  const byDepartment = SUMMARY_COLUMNS('承办部门');
  headerRow(ws, row++, byDepartment);
  for (const d of stats.byDepartment) dataRow(ws, row++, byDepartment, [d.department, d.batches, d.persons, d.fen]);
  row++;
  note(ws, row++, stats.basis, byCategory.length);
  if (stats.unsettled) note(ws, row++, `另有${stats.unsettled}批次接待尚未结算，只计批次和人次，费用未计入。`, byCategory.length);
  const linesFen = lines.reduce((sum, x) => sum + x.amountFen, 0);
  note(ws, row++, `费用明细共${lines.length}笔，合计${formatFen(linesFen)}元（本系统已结算的接待）；导入的历史台账只有费用合计。`, byCategory.length);

  return { name: ledgerExportName(period), data: Buffer.from(await wb.xlsx.writeBuffer()) };
}

/** 导出 [期间]: the reception office and finance; the file is sent to the person one-to-one. */
export async function onExportCommand(event: MessageEvent, ctx: HandlerContext, args: string): Promise<void> {
  const who = event.senderId;
  const o = ctx.org;
  if (!isOffice(o, who) && !isFinance(o, who)) {
    await ctx.say({ kind: 'text', text: '接待台账导出仅限接待办和财务人员办理，如需查看接待情况，请使用“统计”指令或联系接待办。' });
    return;
  }
  const period = parsePeriod(args, ctx.now, ctx.config.timeZone);
  if ('error' in period) {
    await ctx.say({ kind: 'text', text: period.error.replace(/统计期间/g, '导出期间').replace('无法统计', '无法导出').replace(/统计 /g, '导出 ') });
    return;
  }
  const where = event.chatType === 'p2p' ? '' : '，将单独发送给您';
  await ctx.say({ kind: 'text', text: `正在生成${period.label}接待台账（含费用明细和汇总），稍后以 Excel 文件发送${where}。` });
  await ctx.enqueue({ op: 'send_file', to: { type: 'user', id: who }, file: { kind: 'ledger_export', from: period.from, to: period.to, label: period.label } });
  await ctx.audit({ actor: who, entity: 'ledger', entityId: `${period.from}..${period.to}`, action: 'export', detail: { label: period.label } });
}
