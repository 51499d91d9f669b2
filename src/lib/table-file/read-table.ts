// One table file (an .xlsx workbook or a CSV) into sheets of rows, under limits, in this thread.
// readTableFile (worker.ts) runs this in a worker thread; the ledger tool and tests may call it here.
import { CsvUnreadable, decodeCsv, parseCsv } from './csv.js';
import { LimitCrossed, limitMessage, type TableLimits } from './limits.js';
import { sniffTable, type TableEncoding, type TableFormat, type TableRead } from './table.js';
import { checkXlsx, parseXlsx } from './xlsx.js';
import { ZipUnreadable } from './zip.js';

export const XLSX_UNREADABLE = '文件无法按Excel工作簿（.xlsx）读取，可能已损坏或设置了密码';

/**
 * Reads `bytes` as a workbook when they are a zip (or `format` says xlsx), else as CSV. Refuses at
 * the first limit crossed, naming it; a file that is not what it claims is refused as unreadable.
 */
export async function readTable(bytes: Buffer, limits: TableLimits, format?: TableFormat): Promise<TableRead> {
  const fmt: TableFormat = format ?? (sniffTable(bytes) === 'zip' ? 'xlsx' : 'csv');
  let encoding: TableEncoding | undefined;
  const refuse = (message: string, limit?: LimitCrossed['limit']): TableRead => ({ ok: false, format: fmt, encoding, message, ...(limit ? { limit } : {}) });
  if (bytes.length > limits.maxBytes) return refuse(limitMessage('bytes', limits, { at: bytes.length }), 'bytes');
  try {
    if (fmt === 'xlsx') {
      await checkXlsx(bytes, limits);
      return { ok: true, format: fmt, sheets: await parseXlsx(bytes) };
    }
    const decoded = decodeCsv(bytes);
    encoding = decoded.encoding;
    return { ok: true, format: fmt, encoding, sheets: [parseCsv(decoded.text, limits)] };
  } catch (err) {
    if (err instanceof LimitCrossed) return refuse(limitMessage(err.limit, limits, err.detail), err.limit);
    if (err instanceof ZipUnreadable) return refuse(XLSX_UNREADABLE);
    if (err instanceof CsvUnreadable) return refuse(`文件不是有效的CSV${err.line ? `（第${err.line}行附近引号不配对）` : ''}，请用Excel另存为CSV或xlsx后重试`);
    throw err;
  }
}
