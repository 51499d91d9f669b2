// The ledger import template (接待台账导入模板.xlsx): the 接待台账 sheet with the header row, one
// example row (recognised and refused if imported as it is) and drop-downs for 级别 and 接待类型;
// the 说明 sheet describes each column and lists the allowed values.
import type ExcelJS from 'exceljs';
import { KINDS, PURPOSES, RANKS } from '../rules/vocabulary.js';
import { EXAMPLE_ROW, LEDGER_COLUMNS } from './ledger-read.js';
import { excel, FONT, BORDER } from '../lib/xlsx-style.js';

const HEAD_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
const EXAMPLE_FONT: Partial<ExcelJS.Font> = { ...FONT, color: { argb: 'FF808080' }, italic: true };
const WIDTHS = [13, 24, 10, 12, 13, 11, 10, 16, 10, 12, 12, 22];
/** Rows the drop-downs cover. */
const VALIDATED_ROWS = 2000;

export async function buildLedgerTemplate(): Promise<Buffer> {
  const wb = new (excel().Workbook)();
  wb.creator = '接待助手';
  const ws = wb.addWorksheet('接待台账', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = LEDGER_COLUMNS.map((c, i) => ({ header: c.name, key: c.name, width: WIDTHS[i] }));
  const head = ws.getRow(1);
  head.eachCell((cell) => {
    cell.font = { ...FONT, bold: true };
    cell.fill = HEAD_FILL;
    cell.border = BORDER;
    cell.alignment = { horizontal: 'center', vertical: 'middle' };
  });
  head.height = 20;

  const e = EXAMPLE_ROW;
  const example = ws.addRow([
    new Date(`${e.date}T00:00:00Z`),
    e.guestUnit,
    e.leadName,
    e.leadTitle,
    e.leadRank,
    e.kind,
    e.guestCount,
    e.purpose,
    e.accompanyCount,
    e.totalFen / 100,
    e.department,
    e.letterNo,
  ]);
  example.eachCell((cell) => {
    cell.font = EXAMPLE_FONT;
    cell.border = BORDER;
  });
  example.getCell(1).numFmt = 'yyyy-mm-dd';
  example.getCell(10).numFmt = '#,##0.00';
  example.getCell(1).note = '示例行：请删除后填写本单位的接待记录（原样导入会被拒绝）';

  // Drop-downs: the allowed ranks and kinds (a typed value outside the list is refused by Excel too).
  const list = (values: readonly string[]) => ({ type: 'list' as const, allowBlank: true, formulae: [`"${values.join(',')}"`], showErrorMessage: true, errorStyle: 'stop', error: '请从列表中选择' });
  const validations = (ws as unknown as { dataValidations: { add(range: string, v: unknown): void } }).dataValidations;
  validations.add(`E2:E${VALIDATED_ROWS}`, list(RANKS));
  validations.add(`F2:F${VALIDATED_ROWS}`, list(KINDS));
  // Dates and money typed under the example keep the example's formats.
  ws.getColumn(1).numFmt = 'yyyy-mm-dd';
  ws.getColumn(10).numFmt = '#,##0.00';

  const help = wb.addWorksheet('说明');
  help.columns = [
    { header: '列名', key: 'name', width: 12 },
    { header: '填写说明', key: 'note', width: 90 },
  ];
  for (const c of LEDGER_COLUMNS) help.addRow({ name: c.name, note: c.note });
  help.addRow({});
  help.addRow({ name: '级别', note: RANKS.join('、') });
  help.addRow({ name: '接待类型', note: KINDS.join('、') });
  help.addRow({ name: '事由类别', note: `${PURPOSES.join('、')}（事由按原文导入）` });
  help.addRow({});
  for (const line of [
    '第一行为表头，列名须与本模板一致（可调整列的顺序，其他列不导入）；每行一次接待。',
    '有任何一行错误时，默认不导入任何数据，并列出每个错误的行号和原因；也可选择跳过错误行，只导入正确的行。',
    '同一条记录（各列内容相同）无论导入几次只记一次；文件内两行完全相同时，后一行按重复行处理。',
    '导入方式：在飞书中向接待助手发送“导入台账”后发送本文件；或由管理员执行 npm run --silent ledger -- import 文件名。',
  ]) {
    help.addRow({ name: '注意', note: line });
  }
  help.getRow(1).eachCell((cell) => {
    cell.font = { ...FONT, bold: true };
    cell.fill = HEAD_FILL;
  });
  help.eachRow((row, n) => {
    if (n > 1) row.eachCell((cell) => (cell.font = FONT));
    row.alignment = { vertical: 'top', wrapText: true };
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
