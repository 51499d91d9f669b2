// Reading a library file (点位库) into rows of text by column: an .xlsx workbook or a .csv file (UTF-8,
// with BOM, or GBK as Excel in China saves it), through the bounded table reader of src/lib/table-file
// that the ledger uses too: byte, inflated-size, part and row limits, parsed in a worker thread.
import { DEFAULT_LIMITS, readTableFile, sniffTable, type TableLimits } from '../lib/table-file/index.js';

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

/**
 * The file's first sheet (not the template's 说明) as text cells, read by the bounded table reader
 * (src/lib/table-file: streamed unzip under limits, parsed in a worker thread), so a zip bomb, a
 * 200,000-row sheet or a giant CSV field is refused at the first limit crossed, off the event loop.
 */
async function grid(data: Buffer, fileName: string, maxBytes: number, maxRows: number): Promise<string[][] | { error: string }> {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(fileName)?.[1]?.toLowerCase();
  const sniffed = sniffTable(data);
  if (sniffed === 'ole' || ext === 'xls') return { error: '不支持旧版Excel（.xls）文件，请在Excel中另存为.xlsx或.csv后导入' };
  if (ext !== 'xlsx' && ext !== 'csv') return { error: `“${fileName.slice(0, 60)}”不是 .xlsx 或 .csv 文件，请使用导入模板` };
  // Title and blank rows above the header count against the sheet's rows: a little room for them.
  const limits: TableLimits = { ...DEFAULT_LIMITS, maxBytes, maxRows: maxRows + 20, maxRowsTold: maxRows };
  const got = await readTableFile(data, limits, sniffed === 'zip' || ext === 'xlsx' ? 'xlsx' : 'csv');
  if (!got.ok) return { error: got.message };
  const sheet = got.sheets.find((w) => w.name !== '说明');
  if (!sheet) return { error: '工作簿中没有工作表' };
  const out: string[][] = [];
  for (const r of sheet.rows) out[r.rowNumber - 1] = r.cells.map(clean);
  for (let i = 0; i < out.length; i++) out[i] ??= [];
  return out;
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
  const got = await grid(data, fileName, maxBytes, maxRows);
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
