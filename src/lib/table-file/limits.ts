// The limits every table file the bot takes in is read under (a ledger now; the places library and
// other imports next), and the refusal that names the first one crossed. A file is refused as soon
// as one limit is crossed, before anything more is read.

export interface TableLimits {
  /** The file itself. */
  maxBytes: number;
  /** All the parts of a workbook together, inflated (a picture of zeros is a "zip bomb"). */
  maxInflatedBytes: number;
  /** Parts in a workbook (a normal one has 10 to 30). */
  maxEntries: number;
  /** One part, inflated. */
  maxEntryBytes: number;
  /** Rows with a value in any one sheet (or records in a CSV), title and header rows included. */
  maxRows: number;
  /** The row limit as people are told it, when it counts data rows only (default maxRows). */
  maxRowsTold?: number;
  /** Characters in one CSV record, and bytes of one row of a sheet. */
  maxRecordChars: number;
  /** The whole read, in the worker: stopped after this long. */
  timeoutMs: number;
}

export const MB = 1024 * 1024;

export const DEFAULT_LIMITS: TableLimits = {
  maxBytes: 10 * MB,
  maxInflatedBytes: 50 * MB,
  maxEntries: 1_000,
  maxEntryBytes: 40 * MB,
  maxRows: 10_000,
  maxRecordChars: 256 * 1024,
  timeoutMs: 30_000,
};

export type LimitName = 'bytes' | 'entries' | 'entry' | 'inflated' | 'rows' | 'record' | 'time' | 'memory';

/** A read refused: which limit, and what to tell the person (Simplified Chinese). */
export interface Refusal {
  limit?: LimitName;
  message: string;
}

const mb = (n: number) => `${Math.round((n / MB) * 10) / 10}MB`;

/** The message naming the limit crossed: what was found, and the limit itself. */
export function limitMessage(limit: LimitName, limits: TableLimits, detail: { at?: number; name?: string } = {}): string {
  switch (limit) {
    case 'bytes':
      return `文件大小${mb(detail.at ?? 0)}，超过${mb(limits.maxBytes)}的上限，请拆分后分批导入`;
    case 'entries':
      return `文件内含部件超过${limits.maxEntries}个的上限，不是正常的Excel工作簿，未予读取`;
    case 'entry': {
      const name = (detail.name ?? '').replace(/[^\w./-]/g, '_').slice(0, 60);
      return /^xl\/worksheets\//.test(name)
        ? `工作表（${name}）解压后超过${mb(limits.maxEntryBytes)}的上限，未予读取；请拆分后分批导入`
        : `文件中的部件“${name}”解压后超过${mb(limits.maxEntryBytes)}的上限，未予读取；请删除其中的图片等内容后另存为.xlsx或.csv`;
    }
    case 'inflated':
      return `文件解压后超过${mb(limits.maxInflatedBytes)}的上限，未予读取；请删除其中的图片等内容后另存为.xlsx或.csv，或拆分后分批导入`;
    case 'rows':
      return `数据超过每次${limits.maxRowsTold ?? limits.maxRows}行的上限，请分批导入`;
    case 'record':
      return `${detail.at ? `第${detail.at}行` : '有一行'}超过${limits.maxRecordChars}个字符的上限，不是有效的表格内容，未予读取`;
    case 'time':
      return `文件读取超过${Math.round(limits.timeoutMs / 1000)}秒的上限，请拆分后分批导入`;
    case 'memory':
      return '文件读取所需内存超过上限，请拆分后分批导入';
  }
}

/** Thrown inside a read when a limit is crossed; turned into a Refusal at the edge. */
export class LimitCrossed extends Error {
  constructor(readonly limit: LimitName, readonly detail: { at?: number; name?: string } = {}) {
    super(`limit crossed: ${limit}`);
  }
}
