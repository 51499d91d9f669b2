// Reading a library file (点位库) into rows of text by column: an .xlsx workbook (exceljs) or a .csv
// file (csv-parse; UTF-8, with BOM, or GBK as Excel in China saves it). The one place where the bytes
// are parsed, with a byte and a row limit, so the bounded reader of src/lib can take its place.
import type * as CsvParse from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { excel } from '../lib/xlsx-style.js';
import { onFirstUse } from '../lib/on-first-use.js';
import { decodeCsv } from '../statistics/ledger-read.js';

/** The columns, exactly, in the template's order (docs/places.md). */
export const PLACE_COLUMNS = ['类型', '名称', '地址', '简介', '主题', '时长分钟', '讲解员', '联系人', '电话', '协议价', '包含点位'] as const;
export type PlaceColumn = (typeof PLACE_COLUMNS)[number];

/** Rows per file: the tool takes 10,000; chat 1,000 (the confirming tap reads the file again within Feishu's 3 s). */
export const CLI_MAX_ROWS = 10_000;
export const CHAT_MAX_ROWS = 1_000;
export const PLACES_MAX_BYTES = 10 * 1024 * 1024;

/** One data row: its spreadsheet row number (header is row 1) and each column's trimmed text. */
export interface PlacesTableRow {
  row: number;
  cells: Record<PlaceColumn, string>;
}

export type PlacesTable = { rows: PlacesTableRow[] } | { error: string };

const csvParse = onFirstUse<typeof CsvParse>('csv-parse/sync');

const clean = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return clean((o.richText as { text: string }[]).map((t) => t.text).join(''));
    if ('result' in o) return clean(o.result);
    if ('text' in o) return clean(o.text);
    return '';
  }
  return String(v).replace(/\s+/g, ' ').trim();
};
const headerName = (s: string) => s.replace(/[\s*]/g, '').replace(/[（(][^)）]*[)）]$/, '');

async function grid(data: Buffer, fileName: string): Promise<string[][] | { error: string }> {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(fileName)?.[1]?.toLowerCase();
  if (ext === 'xlsx') {
    const wb = new (excel().Workbook)();
    try {
      await wb.xlsx.load(data as unknown as ExcelJS.Buffer);
    } catch {
      return { error: '文件无法按Excel工作簿（.xlsx）读取，可能已损坏或设置了密码' };
    }
    const ws = wb.worksheets.find((w) => w.name !== '说明');
    if (!ws) return { error: '工作簿中没有工作表' };
    const out: string[][] = [];
    ws.eachRow({ includeEmpty: true }, (row, n) => {
      const cells: string[] = [];
      for (let c = 1; c <= row.cellCount; c++) cells.push(clean(row.getCell(c).value));
      out[n - 1] = cells;
    });
    for (let i = 0; i < out.length; i++) out[i] ??= [];
    return out;
  }
  if (ext === 'csv') {
    const { text } = decodeCsv(data);
    try {
      return (csvParse().parse(text, { relax_column_count: true, relax_quotes: true, skip_empty_lines: false }) as string[][]).map((r) => r.map(clean));
    } catch (err) {
      const line = (err as { lines?: number }).lines;
      return { error: `文件不是有效的CSV${line ? `（第${line}行附近引号不配对）` : ''}，请用Excel另存为CSV或xlsx后重试` };
    }
  }
  return { error: `“${fileName.slice(0, 60)}”不是 .xlsx 或 .csv 文件，请使用导入模板` };
}

/**
 * The file as rows by column. The header must be exactly the documented columns (an unknown or
 * missing column is named); blank rows are skipped; more than `maxRows` data rows or `maxBytes`
 * bytes refuse the whole file.
 */
export async function readPlacesTable(data: Buffer, fileName: string, limits: { maxRows?: number; maxBytes?: number } = {}): Promise<PlacesTable> {
  const maxBytes = limits.maxBytes ?? PLACES_MAX_BYTES;
  const maxRows = limits.maxRows ?? CLI_MAX_ROWS;
  if (data.length > maxBytes) return { error: `文件大小${(data.length / 1048576).toFixed(1)}MB，超过${Math.round(maxBytes / 1048576)}MB的上限，请分批导入` };
  const got = await grid(data, fileName);
  if ('error' in got) return got;
  const headerAt = got.findIndex((r) => r.some((c) => c !== ''));
  if (headerAt < 0) return { error: '文件是空的' };
  const header = got[headerAt].map(headerName);
  while (header.length && header[header.length - 1] === '') header.pop();
  const unknown = header.filter((h) => !(PLACE_COLUMNS as readonly string[]).includes(h));
  const missing = PLACE_COLUMNS.filter((c) => !header.includes(c));
  const twice = PLACE_COLUMNS.filter((c) => header.indexOf(c) !== header.lastIndexOf(c));
  const wrong = [
    ...unknown.map((h) => (h ? `第${headerAt + 1}行 表头：“${h.slice(0, 20)}”不是导入模板的列` : `第${headerAt + 1}行 表头：有空白列名`)),
    ...missing.map((c) => `第${headerAt + 1}行 表头：缺少“${c}”列`),
    ...twice.map((c) => `第${headerAt + 1}行 表头：“${c}”列出现了两次`),
  ];
  if (wrong.length) return { error: `${wrong.join('；')}。列名应恰为：${PLACE_COLUMNS.join(',')}` };
  const rows: PlacesTableRow[] = [];
  for (let i = headerAt + 1; i < got.length; i++) {
    const r = got[i];
    if (!r.some((c) => c !== '')) continue;
    if (rows.length === maxRows) return { error: `数据超过每次${maxRows}行的上限，请分批导入` };
    const cells = Object.fromEntries(PLACE_COLUMNS.map((c) => [c, r[header.indexOf(c)] ?? ''])) as Record<PlaceColumn, string>;
    rows.push({ row: i + 1, cells });
  }
  if (!rows.length) return { error: '表头下没有数据行' };
  return { rows };
}
