// An .xlsx workbook read under limits: every part is inflated as a stream with a byte counter, and
// the rows of each sheet counted as they inflate, so a bomb or a sheet of 200,000 rows is refused at
// the first limit it crosses, having cost at most that much. Only a workbook within every limit is
// then parsed (exceljs) into rows of cell values.
import { StringDecoder } from 'node:string_decoder';
import type ExcelJS from 'exceljs';
import { excel } from '../xlsx-style.js';
import { LimitCrossed, type TableLimits } from './limits.js';
import type { Cell, TableSheet } from './table.js';
import { inflateEntry, zipEntries, ZipUnreadable, type InflateBudget } from './zip.js';

const SHEET = /^xl\/worksheets\/[^/]+\.xml$/;

/**
 * Counts the rows that hold a value (a <v> or an inline string) in a sheet's XML as it streams by:
 * throws LimitCrossed('rows') past maxRows, ('record') for one row longer than maxRecordChars.
 */
function rowCounter(limits: TableLimits) {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let rows = 0;
  let rowNumber = 0;
  return (chunk: Buffer) => {
    const parts = (carry + decoder.write(chunk)).split('</row>');
    carry = parts.pop() ?? '';
    for (const part of parts) {
      rowNumber++;
      if (/<v>|<v |<is>/.test(part)) rows++;
      if (rows > limits.maxRows) throw new LimitCrossed('rows', { at: rows });
    }
    if (carry.length > limits.maxRecordChars) throw new LimitCrossed('record', { at: rowNumber + 1 });
  };
}

/** Checks every part of the workbook against the limits without keeping what it inflates. */
export async function checkXlsx(bytes: Buffer, limits: TableLimits): Promise<void> {
  const entries = zipEntries(bytes, limits);
  const budget: InflateBudget = { used: 0 };
  // The sheets first: a sheet with too many rows is refused before the pictures are looked at.
  const ordered = [...entries.filter((e) => SHEET.test(e.name)), ...entries.filter((e) => !SHEET.test(e.name))];
  for (const e of ordered) {
    if (e.name.endsWith('/')) continue;
    await inflateEntry(bytes, e, limits, budget, SHEET.test(e.name) ? rowCounter(limits) : undefined);
  }
}

function cellValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (v instanceof Date || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('formula' in v || 'sharedFormula' in v) return cellValue((v as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
    if ('error' in v) return String(v.error);
    if ('text' in v) return String((v as ExcelJS.CellHyperlinkValue).text);
  }
  return null;
}

/** The workbook's sheets as rows of values (call checkXlsx first). */
export async function parseXlsx(bytes: Buffer): Promise<TableSheet[]> {
  const wb = new (excel().Workbook)();
  try {
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  } catch (err) {
    throw new ZipUnreadable((err as Error).message);
  }
  return wb.worksheets.map((ws) => {
    const rows: TableSheet['rows'] = [];
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const cells: Cell[] = [];
      for (let c = 1; c <= row.cellCount; c++) cells.push(cellValue(row.getCell(c).value));
      rows.push({ rowNumber, cells });
    });
    return { name: ws.name, rows };
  });
}
