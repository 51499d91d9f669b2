// The ledger's public contract (README "Ledger import"): the template's columns, the limits of one
// import, and what reading a file gives: good rows normalised, problems named by row and column.
import type { Kind, Purpose, Rank } from '../rules/vocabulary.js';
import { KINDS, PURPOSES, RANKS } from '../rules/vocabulary.js';

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
export const COLUMN_NAMES: readonly string[] = LEDGER_COLUMNS.map((c) => c.name);

/** Files larger than this, or with more data rows, are refused as a whole (split them). */
export const LEDGER_MAX_BYTES = 10 * 1024 * 1024;
export const LEDGER_MAX_ROWS = 10_000;

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
