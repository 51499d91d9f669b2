// Reading a historical reception ledger (接待台账): an .xlsx workbook or a .csv file (UTF-8, UTF-8
// with BOM, or GBK as Excel in China saves it) into normalised rows, with every problem named by its
// spreadsheet row number (as Excel shows it) and column. The file is read by the bounded table-file
// reader (lib/table-file: limits checked while it streams, in a worker thread); the columns and the
// cells are read here (ledger-cells.ts). No database.
import { limitMessage, MB, readTable, readTableFile, sniffTable, type TableLimits, type TableRow } from '../lib/table-file/index.js';
import { COLUMN_NAMES, LEDGER_MAX_BYTES, LEDGER_MAX_ROWS, type LedgerColumnName, type LedgerFile, type LedgerProblem, type LedgerRow } from './ledger-columns.js';
import {
  colLetter, EXAMPLE_KEY, headerName, importKeyOf, MAX_GUESTS, purposeCategory, readDate, readInt, readKind, readMoney, readRank, readText, text,
  type Check, type Fields, type Raw,
} from './ledger-cells.js';

export { describeProblem, LEDGER_COLUMNS, LEDGER_MAX_BYTES, LEDGER_MAX_ROWS, type LedgerColumnName, type LedgerFile, type LedgerProblem, type LedgerRow } from './ledger-columns.js';
export { EXAMPLE_ROW, importKeyOf, purposeCategory } from './ledger-cells.js';
export { decodeCsv } from '../lib/table-file/index.js';

type Grid = TableRow;

/**
 * The limits a ledger is read under: the file (10 MB), the workbook inflated (50 MB, no part over
 * 40 MB, at most 1,000 parts), and the rows: the import's own limit plus room for title rows and
 * the header, so a file far over it is refused while it is read (the exact count is checked after).
 */
export function ledgerLimits(maxRows: number): TableLimits {
  return { maxBytes: LEDGER_MAX_BYTES, maxInflatedBytes: 50 * MB, maxEntries: 1_000, maxEntryBytes: 40 * MB, maxRows: maxRows + 11, maxRowsTold: maxRows, maxRecordChars: 256 * 1024, timeoutMs: 60_000 };
}

export interface ReadOptions {
  /** The unit's today (YYYY-MM-DD): later dates are refused. */
  today?: string;
  /** At most this many data rows (default LEDGER_MAX_ROWS). */
  maxRows?: number;
  /** Read in this thread instead of a worker (tests of the cell rules; the bounds are the same). */
  inThisThread?: boolean;
}

/** Reads an .xlsx or .csv ledger: the good rows, and every problem with its row number and column. */
export async function readLedgerFile(name: string, bytes: Buffer, opts: ReadOptions = {}): Promise<LedgerFile> {
  const ext = /\.([A-Za-z0-9]{1,5})$/.exec(name)?.[1]?.toLowerCase();
  const sniffed = sniffTable(bytes);
  const format: 'xlsx' | 'csv' = sniffed === 'zip' || ext === 'xlsx' ? 'xlsx' : 'csv';
  const fail = (message: string, encoding?: LedgerFile['encoding']): LedgerFile => ({ format, encoding, rows: [], problems: [{ row: 0, message }], total: 0, badRows: [], fileProblem: true });

  const maxRows = opts.maxRows ?? LEDGER_MAX_ROWS;
  const limits = ledgerLimits(maxRows);
  if (bytes.length > limits.maxBytes) return fail(limitMessage('bytes', limits, { at: bytes.length }));
  if (sniffed === 'ole' || ext === 'xls') return fail('不支持旧版Excel（.xls）文件，请在Excel中另存为.xlsx或.csv后导入');
  if (ext && !['xlsx', 'csv', 'txt'].includes(ext) && sniffed !== 'zip') return fail(`文件“${name.slice(0, 60)}”不是台账表格，请使用.xlsx或.csv文件`);
  if (bytes.length === 0) return fail('文件是空的');

  const got = opts.inThisThread ? await readTable(bytes, limits, format) : await readTableFile(bytes, limits, format);
  if (!got.ok) return fail(got.message, got.encoding);
  const { encoding } = got;
  // The ledger sheet first (the template names it), the template's 说明 sheet never.
  const grids = got.sheets
    .filter((s) => s.name !== '说明')
    .sort((a, b) => Number(b.name === '接待台账') - Number(a.name === '接待台账'))
    .map((s) => s.rows);

  // The header: the first row (of the first sheet that has one, within its first 10 rows) naming at
  // least three of the columns; title rows above it are allowed.
  let found: { grid: Grid[]; at: number } | undefined;
  for (const grid of grids) {
    const at = grid.slice(0, 10).findIndex((r) => r.cells.filter((c) => COLUMN_NAMES.includes(headerName(c))).length >= 3);
    if (at >= 0) {
      found = { grid, at };
      break;
    }
  }
  if (!found) return fail(`未找到表头：表格第一行应为列名（${COLUMN_NAMES.join('、')}），请使用导入模板`, encoding);
  const header = found.grid[found.at];
  const headerRow = header.rowNumber;

  const problems: LedgerProblem[] = [];
  const index = new Map<string, number>();
  header.cells.forEach((c, i) => {
    const n = headerName(c);
    if (!COLUMN_NAMES.includes(n)) return;
    const prev = index.get(n);
    if (prev !== undefined) problems.push({ row: headerRow, column: n, message: `此列出现了两次（第${colLetter(prev)}列和第${colLetter(i)}列），请只保留一列` });
    else index.set(n, i);
  });
  for (const n of COLUMN_NAMES) if (!index.has(n)) problems.push({ row: headerRow, column: n, message: `缺少“${n}”列，请按导入模板添加该列` });

  const data = found.grid.slice(found.at + 1).filter((r) => r.cells.some((c) => text(c) !== ''));
  if (problems.length) return { format, encoding, rows: [], problems, total: data.length, badRows: [], fileProblem: true };
  if (!data.length) return fail('表头下没有数据行', encoding);
  if (data.length > maxRows) return fail(`共${data.length}行数据，超过每次${maxRows}行的上限，请分批导入`, encoding);

  const rows: LedgerRow[] = [];
  const badRows: number[] = [];
  const seen = new Map<string, number>();
  for (const r of data) {
    const cell = (n: LedgerColumnName): Raw => r.cells[index.get(n)!] ?? null;
    const mine: LedgerProblem[] = [];
    function take<T>(column: LedgerColumnName, check: Check<T>): T {
      if ('error' in check) {
        mine.push({ row: r.rowNumber, column, message: check.error });
        return undefined as T;
      }
      return check.value;
    }
    const f: Fields = {
      date: take('接待日期', readDate(cell('接待日期'), opts.today)),
      guestUnit: take('来访单位', readText(cell('来访单位'), 100)) as string,
      leadName: take('带队领导', readText(cell('带队领导'), 50)) as string,
      leadTitle: take('职务', readText(cell('职务'), 50)) as string,
      leadRank: take('级别', readRank(cell('级别'))),
      kind: take('接待类型', readKind(cell('接待类型'))),
      guestCount: take('来访人数', readInt(cell('来访人数'), 1, MAX_GUESTS)),
      purpose: take('事由', readText(cell('事由'), 200)) as string,
      accompanyCount: take('陪餐人数', readInt(cell('陪餐人数'), 0, MAX_GUESTS, 0)),
      totalFen: take('费用合计', readMoney(cell('费用合计'))),
      department: take('承办部门', readText(cell('承办部门'), 50)) as string,
      letterNo: take('公函文号', readText(cell('公函文号'), 100, false)),
    };
    if (!mine.length) {
      const importKey = importKeyOf(f);
      const earlier = seen.get(importKey);
      if (importKey === EXAMPLE_KEY) mine.push({ row: r.rowNumber, message: '是导入模板中的示例行，请删除后再导入' });
      else if (earlier !== undefined) mine.push({ row: r.rowNumber, message: `与第${earlier}行重复` });
      else {
        seen.set(importKey, r.rowNumber);
        rows.push({ row: r.rowNumber, ...f, purposeCategory: purposeCategory(f.purpose), importKey });
      }
    }
    if (mine.length) {
      problems.push(...mine);
      badRows.push(r.rowNumber);
    }
  }
  return { format, encoding, rows, problems, total: data.length, badRows, fileProblem: false };
}
