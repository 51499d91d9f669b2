// A CSV file read under limits: decoded (UTF-8 with or without BOM, UTF-16 with BOM, else GBK as
// Excel in China saves it), then parsed by csv-parse, which stops at the first record longer than
// maxRecordChars and after maxRows + 1 records, so neither a huge field nor a flood of lines is read
// past its limit.
import type * as CsvParse from 'csv-parse/sync';
import { onFirstUse } from '../on-first-use.js';
import { LimitCrossed, type TableLimits } from './limits.js';
import type { TableEncoding, TableSheet } from './table.js';

/** UTF-8 (with or without BOM), UTF-16 with BOM, otherwise GBK (GB18030, its superset). */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: TableEncoding } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'UTF-8' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'UTF-16' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'UTF-16' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'UTF-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'GBK' };
  }
}

/** csv-parse, loaded with the first CSV, not at start-up. */
const csvParse = onFirstUse<typeof CsvParse>('csv-parse/sync');

/** Not a CSV file csv-parse can read (a quote left open): `line` is where it gave up. */
export class CsvUnreadable extends Error {
  constructor(readonly line?: number) {
    super('bad CSV');
  }
}

export function parseCsv(text: string, limits: TableLimits): TableSheet {
  // The delimiter the first line uses most: comma, tab (Excel's "Unicode text") or semicolon.
  const first = text.slice(0, Math.min(text.length, limits.maxRecordChars)).split(/\r?\n/, 1)[0] ?? '';
  const count = (ch: string) => first.split(ch).length - 1;
  const delimiter = [',', '\t', ';'].reduce((best, ch) => (count(ch) > count(best) ? ch : best), ',');
  let records: string[][];
  let filled = 0;
  try {
    records = csvParse().parse(text, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      max_record_size: limits.maxRecordChars,
      // Counted as they are read: the record past the limit stops the parse.
      on_record: (record: string[]) => {
        if (record.some((c) => c.trim() !== '') && ++filled > limits.maxRows) throw new LimitCrossed('rows', { at: filled });
        return record;
      },
    });
  } catch (err) {
    if (err instanceof LimitCrossed) throw err;
    const e = err as { code?: string; lines?: number };
    if (e.code === 'CSV_MAX_RECORD_SIZE') throw new LimitCrossed('record', { at: e.lines });
    throw new CsvUnreadable(e.lines);
  }
  return { name: 'CSV', rows: records.map((cells, i) => ({ rowNumber: i + 1, cells })) };
}
