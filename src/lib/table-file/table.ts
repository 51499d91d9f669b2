// What a table file reads into: sheets (one for a CSV) of rows numbered as the spreadsheet shows
// them, each a list of cell values; or the refusal that says why not.
import type { Refusal } from './limits.js';

export type Cell = string | number | Date | null;

export interface TableRow {
  /** The row number as Excel shows it (1-based; a CSV's line of record). */
  rowNumber: number;
  cells: Cell[];
}

export interface TableSheet {
  name: string;
  rows: TableRow[];
}

export type TableFormat = 'xlsx' | 'csv';
export type TableEncoding = 'UTF-8' | 'GBK' | 'UTF-16';

export type TableRead =
  | { ok: true; format: TableFormat; encoding?: TableEncoding; sheets: TableSheet[] }
  | ({ ok: false; format: TableFormat; encoding?: TableEncoding } & Refusal);

/** A zip (an .xlsx workbook) or an old OLE file (.xls), by the first bytes. */
export function sniffTable(bytes: Uint8Array): 'zip' | 'ole' | undefined {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'zip';
  if (bytes.length >= 4 && bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) return 'ole';
  return undefined;
}
