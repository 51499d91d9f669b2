// Bounded reading of the table files people send the bot (a ledger; the places library next):
// limits on the file, the inflated workbook, its parts and rows, checked while streaming; the read
// in a worker thread. See limits.ts for the limits and their messages.
export { DEFAULT_LIMITS, limitMessage, MB, type LimitName, type Refusal, type TableLimits } from './limits.js';
export { decodeCsv } from './csv.js';
export { readTable, XLSX_UNREADABLE } from './read-table.js';
export { readTableFile } from './worker.js';
export { sniffTable, type Cell, type TableEncoding, type TableFormat, type TableRead, type TableRow, type TableSheet } from './table.js';
