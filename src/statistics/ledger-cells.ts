// One ledger cell into its value (dates as offices type them, counts, money, rank, kind), or the
// reason it is refused, in the words the preview shows; and the content key that makes a row's
// import happen once. Pure.
import { createHash } from 'node:crypto';
import { parseYuan } from '../lib/money.js';
import type { Cell } from '../lib/table-file/index.js';
import { KINDS, PURPOSES, RANKS, type Kind, type Purpose, type Rank } from '../rules/vocabulary.js';
import type { LedgerRow } from './ledger-columns.js';

export type Raw = Cell;
export const MAX_GUESTS = 500;

export const toHalfWidth = (s: string) => s.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
export const text = (v: Raw): string => {
  if (v === null) return '';
  if (v instanceof Date) return isoDate(v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate()) ?? '';
  return String(v).replace(/\s+/g, ' ').trim();
};
const pad = (n: number) => String(n).padStart(2, '0');
export const colLetter = (i: number): string => (i >= 26 ? colLetter(Math.floor(i / 26) - 1) : '') + String.fromCharCode(65 + (i % 26));
const quote = (s: string) => `“${s.length > 30 ? `${s.slice(0, 30)}…` : s}”`;

function isoDate(y: number, m: number, d: number): string | undefined {
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return undefined;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/** A header cell as a column name: spaces, required-markers and a unit in brackets removed ("费用合计（元）"). */
export const headerName = (v: Raw) =>
  toHalfWidth(text(v))
    .replace(/[\s*]/g, '')
    .replace(/\([^)]*\)$/, '');

export type Check<T> = { value: T } | { error: string };

/** Dates as offices type them, and Excel date cells (exceljs gives them as UTC midnight). */
export function readDate(v: Raw, today?: string): Check<string> {
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

export function readText(v: Raw, max: number, required = true): Check<string | null> {
  const s = text(v);
  if (!s) return required ? { error: '未填写' } : { value: null };
  if (s.length > max) return { error: `超过${max}字（${s.length}字）` };
  return { value: s };
}

export function readInt(v: Raw, min: number, max: number, blank?: number): Check<number> {
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
export function readMoney(v: Raw): Check<number> {
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

export function readRank(v: Raw): Check<Rank> {
  const s = toHalfWidth(text(v)).replace(/\s/g, '');
  if (!s) return { error: '未填写' };
  if ((RANKS as readonly string[]).includes(s)) return { value: s as Rank };
  const near = RANKS.filter((r) => r !== '其他' && r.includes(s));
  if (near.length && near.length <= 3) return { error: `${quote(s)}不是有效级别，应写为${near.map((r) => `“${r}”`).join('或')}` };
  return { error: `${quote(s)}不是有效级别，应为：${RANKS.join('、')}之一` };
}

export function readKind(v: Raw): Check<Kind> {
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

export type Fields = Omit<LedgerRow, 'row' | 'importKey' | 'purposeCategory'>;

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
export const EXAMPLE_KEY = importKeyOf(EXAMPLE_ROW);
