// Reading a historical reception ledger (接待台账): an .xlsx workbook (exceljs) or a .csv file
// (csv-parse; UTF-8, UTF-8 with BOM, or GBK as Excel in China saves it) into normalised rows, with
// every problem named by its spreadsheet row number (as Excel shows it) and column. Pure: no database.
import { createHash } from 'node:crypto';
import type * as CsvParse from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { excel } from '../lib/xlsx-style.js';
import { onFirstUse } from '../lib/on-first-use.js';
import { parseYuan } from '../lib/money.js';
import { KINDS, PURPOSES, RANKS, type Kind, type Purpose, type Rank } from '../rules/vocabulary.js';

/** The documented columns, in the template's order (a public contract: README "Ledger import"). */
export const LEDGER_COLUMNS = [
  { name: '接待日期', note: '来访（到达）日期，如 2026-03-05、2026/3/5、2026年3月5日，或Excel日期格式；须为已发生的日期' },
  { name: '来访单位', note: '派出单位全称，必填' },
  { name: '带队领导', note: '带队领导姓名，必填' },
  { name: '职务', note: '带队领导职务，如“处长”，必填' },
  { name: '级别', note: `带队领导级别，必填，须为下列之一：${RANKS.join('、')}` },
  { name: '接待类型', note: `必填，须为下列之一：${KINDS.join('、')}（写作“公务接待”等亦可）` },
  { name: '来访人数', note: '整数，1至500，必填' },
  { name: '事由', note: `来访事由，必填；宜写明规定类别：${PURPOSES.join('、')}` },
  { name: '陪餐人数', note: '整数，不小于0；未安排陪餐可留空（按0计）' },
  { name: '费用合计', note: '接待费用合计（元），最多两位小数，必填；无费用填0' },
  { name: '承办部门', note: '本单位承办部门，必填' },
  { name: '公函文号', note: '来函文号；无公函留空' },
] as const;
export type LedgerColumnName = (typeof LEDGER_COLUMNS)[number]['name'];
const COLUMN_NAMES: readonly string[] = LEDGER_COLUMNS.map((c) => c.name);

/** Files larger than this, or with more data rows, are refused as a whole (split them). */
export const LEDGER_MAX_BYTES = 10 * 1024 * 1024;
export const LEDGER_MAX_ROWS = 10_000;
const MAX_GUESTS = 500;

/** One good row, normalised: what becomes a ledger_entries row. */
export interface LedgerRow {
  /** Spreadsheet row number (the header is row 1 in the template). */
  row: number;
  /** YYYY-MM-DD */
  date: string;
  guestUnit: string;
  leadName: string;
  leadTitle: string;
  leadRank: Rank;
  kind: Kind;
  guestCount: number;
  /** 事由 as written. */
  purpose: string;
  /** The R1 category the text names, when it names one. */
  purposeCategory: Purpose | null;
  accompanyCount: number;
  totalFen: number;
  department: string;
  letterNo: string | null;
  /** sha256 of the normalised content: the same row in any file, in any format, has the same key. */
  importKey: string;
}

/** What is wrong, where: `row` is the spreadsheet row number (0: the file as a whole). */
export interface LedgerProblem {
  row: number;
  column?: string;
  message: string;
}

export interface LedgerFile {
  format: 'xlsx' | 'csv';
  /** How a CSV file's bytes were read. */
  encoding?: 'UTF-8' | 'GBK' | 'UTF-16';
  /** The good rows (rows with any problem are not here). */
  rows: LedgerRow[];
  problems: LedgerProblem[];
  /** Data rows read (blank rows are not counted). */
  total: number;
  /** Rows with at least one problem. */
  badRows: number[];
  /** The file cannot be imported at all (unreadable, no header, missing columns, too large). */
  fileProblem: boolean;
}

/** "第12行 级别：“处级”不是有效级别…" (or the message alone for the file as a whole). */
export function describeProblem(p: LedgerProblem): string {
  if (p.row === 0) return p.message;
  return `第${p.row}行${p.column ? ` ${p.column}：` : ''}${p.message}`;
}

type Raw = string | number | Date | null;
interface Grid {
  rowNumber: number;
  cells: Raw[];
}

const toHalfWidth = (s: string) => s.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
const text = (v: Raw): string => {
  if (v === null) return '';
  if (v instanceof Date) return isoDate(v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate()) ?? '';
  return String(v).replace(/\s+/g, ' ').trim();
};
const pad = (n: number) => String(n).padStart(2, '0');
const colLetter = (i: number): string => (i >= 26 ? colLetter(Math.floor(i / 26) - 1) : '') + String.fromCharCode(65 + (i % 26));
const quote = (s: string) => `“${s.length > 30 ? `${s.slice(0, 30)}…` : s}”`;

function isoDate(y: number, m: number, d: number): string | undefined {
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return undefined;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/** A header cell as a column name: spaces, required-markers and a unit in brackets removed ("费用合计（元）"). */
const headerName = (v: Raw) =>
  toHalfWidth(text(v))
    .replace(/[\s*]/g, '')
    .replace(/\([^)]*\)$/, '');

// ---------------------------------------------------------------------------------------------
// Files into grids

async function xlsxGrid(bytes: Buffer): Promise<{ grids: Grid[][] } | { error: string }> {
  const wb = new (excel().Workbook)();
  try {
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  } catch {
    return { error: '文件无法按Excel工作簿（.xlsx）读取，可能已损坏或设置了密码' };
  }
  // The ledger sheet first (the template names it), the template's 说明 sheet never.
  const sheets = wb.worksheets.filter((ws) => ws.name !== '说明').sort((a, b) => Number(b.name === '接待台账') - Number(a.name === '接待台账'));
  const grids = sheets.map((ws) => {
    const rows: Grid[] = [];
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const cells: Raw[] = [];
      for (let c = 1; c <= row.cellCount; c++) cells.push(cellValue(row.getCell(c).value));
      rows.push({ rowNumber, cells });
    });
    return rows;
  });
  return { grids };
}

function cellValue(v: ExcelJS.CellValue): Raw {
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

/** UTF-8 (with or without BOM), UTF-16 with BOM, otherwise GBK (GB18030, its superset). */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: 'UTF-8' | 'GBK' | 'UTF-16' } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'UTF-8' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'UTF-16' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'UTF-16' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'UTF-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'GBK' };
  }
}

/** csv-parse, loaded with the first CSV ledger, not at start-up. */
const csvParse = onFirstUse<typeof CsvParse>('csv-parse/sync');

function csvGrid(textContent: string): { grids: Grid[][] } | { error: string } {
  // The delimiter the first line uses most: comma, tab (Excel's "Unicode text") or semicolon.
  const first = textContent.split(/\r?\n/, 1)[0] ?? '';
  const count = (ch: string) => first.split(ch).length - 1;
  const delimiter = [',', '\t', ';'].reduce((best, ch) => (count(ch) > count(best) ? ch : best), ',');
  let records: string[][];
  try {
    records = csvParse().parse(textContent, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false });
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    return { error: `文件不是有效的CSV${line ? `（第${line}行附近引号不配对）` : ''}，请用Excel另存为CSV或xlsx后重试` };
  }
  return { grids: [records.map((cells, i) => ({ rowNumber: i + 1, cells }))] };
}

// ---------------------------------------------------------------------------------------------
// Cells into values

type Check<T> = { value: T } | { error: string };

/** Dates as offices type them, and Excel date cells (exceljs gives them as UTC midnight). */
function readDate(v: Raw, today?: string): Check<string> {
  let date: string | undefined;
  if (v instanceof Date) {
    date = isoDate(v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate());
  } else if (typeof v === 'number') {
    // A date cell that lost its format: Excel's serial day number (1 = 1900-01-01).
    if (v >= 1 && v < 2_958_466) {
      const d = new Date(Math.round((v - 25569) * 86_400_000));
      date = isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
    }
    if (!date) return { error: `${quote(String(v))}不是有效日期` };
  } else {
    const s = toHalfWidth(text(v));
    if (!s) return { error: '未填写' };
    const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/.exec(s);
    if (!m) return { error: `${quote(s)}不是有效日期，请按 2026-03-05、2026/3/5 或 2026年3月5日 填写` };
    date = isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
    if (!date) return { error: `${quote(s)}不是有效日期（该日不存在）` };
  }
  if (!date) return { error: '不是有效日期' };
  if (date < '1990-01-01') return { error: `${date}年份有误` };
  if (today && date > today) return { error: `${date}晚于今天，台账只能导入已发生的接待` };
  return { value: date };
}

function readText(v: Raw, max: number, required = true): Check<string | null> {
  const s = text(v);
  if (!s) return required ? { error: '未填写' } : { value: null };
  if (s.length > max) return { error: `超过${max}字（${s.length}字）` };
  return { value: s };
}

function readInt(v: Raw, min: number, max: number, blank?: number): Check<number> {
  let n: number;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return { error: `${quote(String(v))}不是整数` };
    n = v;
  } else {
    const s = toHalfWidth(text(v)).replace(/\s/g, '').replace(/人$/, '');
    if (!s) return blank === undefined ? { error: '未填写' } : { value: blank };
    if (/^-\d+$/.test(s)) return { error: `不能为负数（${s}）` };
    if (!/^\d+(?:\.0+)?$/.test(s)) return { error: `${quote(text(v))}不是整数` };
    n = Number.parseInt(s, 10);
  }
  if (n < min || n > max) return { error: `须在${min}至${max}之间（填写为${n}）` };
  return { value: n };
}

/** 费用合计 in fen: parseYuan's rules, except that 0 (no cost) is a valid historical total. */
function readMoney(v: Raw): Check<number> {
  let s: string;
  if (typeof v === 'number') {
    if (v < 0) return { error: `金额不能为负数（${v}）` };
    if (Math.abs(v * 100 - Math.round(v * 100)) > 1e-6) return { error: `金额${v}超过两位小数` };
    s = v.toFixed(2);
  } else {
    s = text(v);
  }
  if (!s) return { error: '未填写（无费用请填0）' };
  if (/^[0０]+(?:[.．][0０]{0,2})?\s*元?$/.test(s.replace(/[\s¥￥]/g, ''))) return { value: 0 };
  const got = parseYuan(s);
  return 'fen' in got ? { value: got.fen } : { error: got.error };
}

function readRank(v: Raw): Check<Rank> {
  const s = toHalfWidth(text(v)).replace(/\s/g, '');
  if (!s) return { error: '未填写' };
  if ((RANKS as readonly string[]).includes(s)) return { value: s as Rank };
  const near = RANKS.filter((r) => r !== '其他' && r.includes(s));
  if (near.length && near.length <= 3) return { error: `${quote(s)}不是有效级别，应写为${near.map((r) => `“${r}”`).join('或')}` };
  return { error: `${quote(s)}不是有效级别，应为：${RANKS.join('、')}之一` };
}

function readKind(v: Raw): Check<Kind> {
  const s = toHalfWidth(text(v)).replace(/\s/g, '');
  if (!s) return { error: '未填写' };
  const k = s.replace(/接待$/, '');
  if ((KINDS as readonly string[]).includes(k)) return { value: k as Kind };
  return { error: `${quote(s)}不是有效接待类型，应为：${KINDS.join('、')}之一` };
}

/** The R1 category 事由 names: one of the PURPOSES by name, else by a word offices use for it. */
const PURPOSE_WORDS: [RegExp, Purpose][] = [
  [/会议|参会|出席/, '出席会议'],
  [/考察|调研/, '考察调研'],
  [/检查|指导|督查|督导/, '检查指导'],
  [/学习|交流/, '学习交流'],
  [/请示|汇报/, '请示汇报'],
  [/招商|洽谈|投资|签约/, '招商洽谈'],
  [/任务|执行/, '执行任务'],
];
export function purposeCategory(purpose: string): Purpose | null {
  return PURPOSES.find((p) => purpose.includes(p)) ?? PURPOSE_WORDS.find(([re]) => re.test(purpose))?.[1] ?? null;
}

type Fields = Omit<LedgerRow, 'row' | 'importKey' | 'purposeCategory'>;

/** The key of a row's content: formatting (date style, 860 vs 860.00, spacing) does not change it. */
export function importKeyOf(f: Fields): string {
  const content = [f.date, f.guestUnit, f.leadName, f.leadTitle, f.leadRank, f.kind, f.guestCount, f.purpose, f.accompanyCount, f.totalFen, f.department, f.letterNo ?? ''];
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/** The template's example row: importing it would put a made-up reception in the ledger. */
export const EXAMPLE_ROW: Fields = {
  date: '2026-03-05',
  guestUnit: '省发展和改革委员会',
  leadName: '张伟',
  leadTitle: '处长',
  leadRank: '县处级正职',
  kind: '公务',
  guestCount: 5,
  purpose: '考察调研',
  accompanyCount: 2,
  totalFen: 860_00,
  department: '招商局',
  letterNo: '省发改函〔2026〕12号',
};
const EXAMPLE_KEY = importKeyOf(EXAMPLE_ROW);

// ---------------------------------------------------------------------------------------------

export interface ReadOptions {
  /** The unit's today (YYYY-MM-DD): later dates are refused. */
  today?: string;
  /** At most this many data rows (default LEDGER_MAX_ROWS). */
  maxRows?: number;
}

/** Reads an .xlsx or .csv ledger: the good rows, and every problem with its row number and column. */
export async function readLedgerFile(name: string, bytes: Buffer, opts: ReadOptions = {}): Promise<LedgerFile> {
  const ext = /\.([A-Za-z0-9]{1,5})$/.exec(name)?.[1]?.toLowerCase();
  const isZip = bytes.length >= 4 && bytes.readUInt32BE(0) === 0x504b0304;
  const isOle = bytes.length >= 8 && bytes.readUInt32BE(0) === 0xd0cf11e0;
  const format: 'xlsx' | 'csv' = isZip || ext === 'xlsx' ? 'xlsx' : 'csv';
  const fail = (message: string, encoding?: LedgerFile['encoding']): LedgerFile => ({ format, encoding, rows: [], problems: [{ row: 0, message }], total: 0, badRows: [], fileProblem: true });

  if (bytes.length > LEDGER_MAX_BYTES) return fail(`文件大小${(bytes.length / 1024 / 1024).toFixed(1)}MB，超过${LEDGER_MAX_BYTES / 1024 / 1024}MB的上限，请分批导入`);
  if (isOle || ext === 'xls') return fail('不支持旧版Excel（.xls）文件，请在Excel中另存为.xlsx或.csv后导入');
  if (ext && !['xlsx', 'csv', 'txt'].includes(ext) && !isZip) return fail(`文件“${name.slice(0, 60)}”不是台账表格，请使用.xlsx或.csv文件`);
  if (bytes.length === 0) return fail('文件是空的');

  let encoding: LedgerFile['encoding'];
  let got: { grids: Grid[][] } | { error: string };
  if (format === 'xlsx') {
    got = await xlsxGrid(bytes);
  } else {
    const decoded = decodeCsv(bytes);
    encoding = decoded.encoding;
    got = csvGrid(decoded.text);
  }
  if ('error' in got) return fail(got.error, encoding);

  // The header: the first row (of the first sheet that has one, within its first 10 rows) naming at
  // least three of the columns; title rows above it are allowed.
  let found: { grid: Grid[]; at: number } | undefined;
  for (const grid of got.grids) {
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
  const maxRows = opts.maxRows ?? LEDGER_MAX_ROWS;
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
