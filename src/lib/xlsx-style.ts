// The house style of the workbooks the bot writes (settlement, ledger export, ledger template).
import type ExcelJS from 'exceljs';
import { onFirstUse } from './on-first-use.js';

/**
 * exceljs, loaded when the first workbook is read or written: loading it costs about 0.4 s of
 * start-up and 28 MB of memory that an instance which never touches a spreadsheet need not pay
 * (docs/performance.md, start-up and idle memory).
 */
export const excel = onFirstUse<typeof ExcelJS>('exceljs');

export const FONT: Partial<ExcelJS.Font> = { name: '宋体', size: 11 };
export const THIN: Partial<ExcelJS.Border> = { style: 'thin', color: { argb: 'FF000000' } };
export const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };
export const LABEL_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
export const MONEY = '#,##0.00';

/**
 * Fen as a spreadsheet number of yuan. `fen / 100` is the double nearest the exact decimal, the
 * same number Excel would store had "1280.50" been typed: correct to the fen for every safe integer.
 */
export const toYuan = (fen: number): number => fen / 100;

/**
 * A4 printing as the office prints its forms: fitted to the page width, centred, page numbers in
 * the footer (第 N 页，共 M 页), the title rows (e.g. '2:2') repeated on every page. `side` is the
 * left and right margin in inches.
 */
export function printSetup(ws: ExcelJS.Worksheet, orientation: 'portrait' | 'landscape', opts: { titleRows?: string; side?: number } = {}): void {
  const side = opts.side ?? 0.59;
  Object.assign(ws.pageSetup, {
    paperSize: 9, // A4
    orientation,
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    horizontalCentered: true,
    margins: { left: side, right: side, top: 0.59, bottom: 0.71, header: 0.3, footer: 0.3 },
    ...(opts.titleRows ? { printTitlesRow: opts.titleRows } : {}),
  });
  ws.headerFooter.oddFooter = '&C第 &P 页，共 &N 页';
}
