// The settlement as a spreadsheet for finance: 接待清单 (the reception list, R5, with signatures and
// audits), 费用明细 (one row per expense line, totals by category, per person) and 单据 (the
// documents, R15). A pure function of the report; print-ready on A4.
import type ExcelJS from 'exceljs';
import { formatFen } from '../lib/money.js';
import { amountInCapitals, formatLocalTime, secondRole, visitDates, type ExportOptions } from './settlement-print.js';
import type { SettlementReport } from './settlement-report.js';
import { excel, FONT, BORDER, LABEL_FILL, MONEY, printSetup, toYuan } from '../lib/xlsx-style.js';

type Worksheet = ExcelJS.Worksheet;
type Value = string | number | undefined;

/** One cell of a laid-out row: a value spanning `span` columns. */
interface Cell {
  v: Value;
  span?: number;
  label?: boolean;
  money?: boolean;
  align?: 'left' | 'center' | 'right';
  bold?: boolean;
  small?: boolean;
}

/** Display width in "characters" as column widths count them: CJK and full-width forms take two. */
function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) || ch.codePointAt(0)! > 0xffff ? 2 : 1;
  return w;
}

/**
 * Writes `cells` left to right into row `r`, merging spans, with borders (unless `bare`). Excel
 * does not grow merged, wrapped rows by itself, so the height is estimated from the longest text.
 */
function layRow(ws: Worksheet, r: number, cells: Cell[], bare = false): void {
  let col = 1;
  let lines = 1;
  for (const c of cells) {
    const span = c.span ?? 1;
    const cell = ws.getCell(r, col);
    cell.value = c.money && typeof c.v === 'number' ? toYuan(c.v) : (c.v ?? '');
    if (c.money) cell.numFmt = MONEY;
    cell.font = { ...FONT, bold: c.label || c.bold, size: c.small ? 9 : FONT.size };
    cell.alignment = { vertical: 'middle', horizontal: c.align ?? (c.label ? 'center' : c.money ? 'right' : 'left'), wrapText: true };
    if (c.label) cell.fill = LABEL_FILL;
    if (span > 1) ws.mergeCells(r, col, r, col + span - 1);
    let width = 0;
    for (let k = col; k < col + span; k++) {
      width += ws.getColumn(k).width ?? 9;
      if (!bare) ws.getCell(r, k).border = BORDER;
    }
    if (typeof c.v === 'string' && !c.money) {
      const perLine = Math.max(1, Math.floor((width - 1) * (c.small ? 11 / 9 : 1)));
      lines = Math.max(lines, ...c.v.split('\n').map((part) => Math.ceil(Math.max(1, textWidth(part)) / perLine)));
    }
    col += span;
  }
  if (lines > 1) ws.getRow(r).height = lines * 14.5 + 3;
}

/** A bold heading line spanning the sheet, without borders. */
function heading(ws: Worksheet, r: number, text: string, cols: number, size = 12): void {
  layRow(ws, r, [{ v: text, span: cols, bold: true }], true);
  ws.getCell(r, 1).font = { ...FONT, bold: true, size };
  ws.getRow(r).height = size > 14 ? 30 : 20;
}

function listSheet(wb: ExcelJS.Workbook, report: SettlementReport, tz: string): void {
  const r = report;
  const ws = wb.addWorksheet('接待清单');
  ws.columns = [14, 18, 12, 18, 12, 18].map((width) => ({ width }));
  printSetup(ws, 'portrait');
  let row = 1;
  heading(ws, row++, '公务接待清单', 6, 18);
  ws.getCell(1, 1).alignment = { horizontal: 'center', vertical: 'middle' };
  row++;

  const L = (v: string, span = 1): Cell => ({ v, span, label: true });
  layRow(ws, row++, [L('接待单位'), { v: r.unit, span: 3 }, L('编号'), { v: r.code }]);
  layRow(ws, row++, [L('承办部门'), { v: r.department, span: 3 }, L('状态'), { v: r.stateLabel }]);
  layRow(ws, row++, [L('来访单位'), { v: r.guestUnit, span: 3 }, L('来访人数'), { v: r.guestCount, align: 'center' }]);
  layRow(ws, row++, [L('带队领导'), { v: r.leadName }, L('职务'), { v: r.leadTitle }, L('级别'), { v: r.leadRank }]);
  layRow(ws, row++, [L('接待类型'), { v: r.kind }, L('公函文号'), { v: r.letterNo ?? '（无）', span: 3 }]);
  layRow(ws, row++, [L('接待事由'), { v: r.purpose, span: 5 }]);
  layRow(ws, row++, [L('接待日期'), { v: visitDates(r), span: 5 }]);

  row++;
  heading(ws, row++, `来宾名单（共${r.guests.length}人）`, 6);
  layRow(ws, row++, [L('序号'), L('姓名', 2), L('职务', 3)]);
  for (const [i, g] of r.guests.entries()) layRow(ws, row++, [{ v: i + 1, align: 'center' }, { v: g.name, span: 2 }, { v: g.title, span: 3 }]);

  row++;
  heading(ws, row++, '活动安排', 6);
  layRow(ws, row++, [L('序号'), L('时间'), L('地点', 2), L('活动', 2)]);
  for (const [i, a] of r.activities.entries()) layRow(ws, row++, [{ v: i + 1, align: 'center' }, { v: a.time }, { v: a.place, span: 2 }, { v: a.activity, span: 2 }]);
  if (!r.activities.length) layRow(ws, row++, [{ v: '（无）', span: 6, align: 'center' }]);

  row++;
  layRow(ws, row++, [L('陪同人员'), { v: r.accompany.length ? `${r.accompany.join('、')}（共${r.accompany.length}人）` : '（无）', span: 5 }]);
  layRow(ws, row++, [L('费用合计(元)'), { v: r.totals.totalFen, money: true }, L('大写'), { v: amountInCapitals(r.totals.totalFen), span: 3 }]);
  layRow(ws, row++, [L('接待人数'), { v: r.totals.persons, align: 'center' }, L('人均(元)'), { v: r.totals.perPersonFen, money: true, span: 3, align: 'left' }]);

  row++;
  heading(ws, row++, '签字', 6);
  layRow(ws, row++, [L('角色'), L('姓名', 2), L('签字时间', 2), L('状态')]);
  const sign = (role: string, name: string | undefined, at: string | undefined, state: string) =>
    layRow(ws, row++, [{ v: role, align: 'center', bold: true }, { v: name ?? '', span: 2 }, { v: formatLocalTime(at, tz), span: 2 }, { v: state, align: 'center' }]);
  sign('经办人', r.handler.name, r.handler.signature?.at, r.handler.signature ? '已签' : '未签');
  sign(secondRole(r), r.second?.name, r.second?.signature?.at, r.second?.signature ? '已签' : '未签');
  sign('审批人', r.approver, r.approvedAt, r.approver ? '已审批' : '');

  row++;
  heading(ws, row++, '审核', 6);
  layRow(ws, row++, [L('审核环节'), L('审核人'), L('审核时间', 2), L('意见', 2)]);
  for (const stage of ['接待办审核', '财务审核'] as const) {
    const a = r.audits.find((x) => x.stage === stage);
    layRow(ws, row++, [{ v: stage, align: 'center', bold: true }, { v: a?.name ?? '（未审核）' }, { v: formatLocalTime(a?.at, tz), span: 2 }, { v: a?.comment ?? '', span: 2 }]);
  }

  row++;
  if (r.settledAt) layRow(ws, row++, [{ v: `结算时间：${formatLocalTime(r.settledAt, tz)}`, span: 6, small: true }], true);
  layRow(ws, row++, [{ v: `内容校验码（SHA-256）：${r.contentHash}`, span: 6, small: true }], true);
}

const LINE_COLUMNS: { header: string; width: number }[] = [
  { header: '序号', width: 6 },
  { header: '类别', width: 12 },
  { header: '金额(元)', width: 14 },
  { header: '人数', width: 7 },
  { header: '收款单位', width: 24 },
  { header: '发票号', width: 23 },
  { header: '支付方式', width: 10 },
  { header: '明细', width: 28 },
  { header: '说明', width: 28 },
];

function linesSheet(wb: ExcelJS.Workbook, report: SettlementReport): void {
  const t = report.totals;
  const ws = wb.addWorksheet('费用明细', { views: [{ state: 'frozen', ySplit: 2 }] });
  ws.columns = LINE_COLUMNS.map(({ width }) => ({ width }));
  printSetup(ws, 'landscape', { titleRows: '2:2' });
  heading(ws, 1, `接待费用明细（${report.code}　${report.guestUnit}）`, LINE_COLUMNS.length, 14);
  ws.getCell(1, 1).alignment = { horizontal: 'center', vertical: 'middle' };
  layRow(ws, 2, LINE_COLUMNS.map(({ header }) => ({ v: header, label: true })));
  let row = 3;
  for (const l of report.lines) {
    layRow(ws, row++, [
      { v: l.no, align: 'center' },
      { v: l.category, align: 'center' },
      { v: l.amountFen, money: true },
      { v: l.persons, align: 'center' },
      { v: l.payee },
      { v: l.invoiceNo ?? '' },
      { v: l.payment, align: 'center' },
      { v: l.items ?? '' },
      { v: l.reason ?? '' },
    ]);
  }
  layRow(ws, row++, [{ v: '合计', span: 2, label: true }, { v: t.totalFen, money: true, bold: true }, { v: '', span: 1 }, { v: `大写：${amountInCapitals(t.totalFen)}`, span: 5, bold: true }]);

  row++;
  heading(ws, row++, '按类别汇总', 3);
  layRow(ws, row++, [{ v: '序号', label: true }, { v: '类别', label: true }, { v: '金额(元)', label: true }]);
  for (const [i, c] of t.byCategory.entries()) layRow(ws, row++, [{ v: i + 1, align: 'center' }, { v: c.category, align: 'center' }, { v: c.amountFen, money: true }]);
  layRow(ws, row++, [{ v: '接待人数', span: 2, label: true }, { v: t.persons, align: 'right' }]);
  layRow(ws, row++, [{ v: '人均(元)', span: 2, label: true }, { v: t.perPersonFen, money: true }]);
}

function documentsSheet(wb: ExcelJS.Workbook, report: SettlementReport): void {
  const ws = wb.addWorksheet('单据', { views: [{ state: 'frozen', ySplit: 2 }] });
  ws.columns = [6, 16, 44, 34].map((width) => ({ width }));
  printSetup(ws, 'portrait', { titleRows: '2:2' });
  heading(ws, 1, `单据清单（${report.code}）`, 4, 14);
  ws.getCell(1, 1).alignment = { horizontal: 'center', vertical: 'middle' };
  layRow(ws, 2, ['序号', '种类', '名称', '对应费用'].map((v) => ({ v, label: true })));
  let row = 3;
  for (const [i, d] of report.documents.entries()) {
    const line = d.lineNo === undefined ? undefined : report.lines.find((l) => l.no === d.lineNo);
    const forLine = d.lineNo === undefined ? '' : line ? `第${line.no}笔 ${line.category} ${formatFen(line.amountFen)}元` : `第${d.lineNo}笔`;
    layRow(ws, row++, [{ v: i + 1, align: 'center' }, { v: d.kind, align: 'center' }, { v: d.name }, { v: forLine }]);
  }
  if (!report.documents.length) layRow(ws, row, [{ v: '（尚无单据）', span: 4, align: 'center' }]);
}

/** The .xlsx file: 接待清单, 费用明细, 单据. */
export async function buildSettlementWorkbook(report: SettlementReport, opts: ExportOptions = {}): Promise<Buffer> {
  const tz = opts.timeZone ?? 'Asia/Shanghai';
  const wb = new (excel().Workbook)();
  wb.creator = '接待助手';
  wb.title = `公务接待清单 ${report.code}`;
  if (report.settledAt && !Number.isNaN(Date.parse(report.settledAt))) wb.created = wb.modified = new Date(report.settledAt);
  listSheet(wb, report, tz);
  linesSheet(wb, report);
  documentsSheet(wb, report);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
