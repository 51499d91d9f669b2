// The house style of the workbooks the bot writes (settlement, ledger export, ledger template).
import type ExcelJS from 'exceljs';

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
