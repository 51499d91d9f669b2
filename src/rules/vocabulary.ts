// The fixed vocabulary of official reception (docs/reception-rules.md §1, docs/contracts.md §2.1).
// These lists are national, not local: the policy file refers to them but cannot change them.

/** Ranks, highest first (docs/reception-rules.md §1). Used for ordering, standards and statistics. */
export const RANKS = [
  '国家级正职',
  '国家级副职',
  '省部级正职',
  '省部级副职',
  '厅局级正职',
  '厅局级副职',
  '县处级正职',
  '县处级副职',
  '乡科级正职',
  '乡科级副职',
  '其他',
] as const;
export type Rank = (typeof RANKS)[number];

/** Kinds of reception. */
export const KINDS = ['公务', '商务', '外事', '大型活动', '指导'] as const;
export type Kind = (typeof KINDS)[number];

/** Purposes a reception may serve (R1). Anything else is not an official reception. */
export const PURPOSES = ['出席会议', '考察调研', '执行任务', '学习交流', '检查指导', '请示汇报', '招商洽谈'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** Lodging choices on the request form (R7). */
export const LODGING_TYPES = ['不安排', '标准间', '普通套间'] as const;
export type LodgingType = (typeof LODGING_TYPES)[number];
export const ROOM_TYPES = ['标准间', '普通套间'] as const;
export type RoomType = (typeof ROOM_TYPES)[number];

/** Settlement expense categories and payment methods (R14, R16). */
export const EXPENSE_CATEGORIES = ['餐费', '住宿', '用车', '场地', '礼品', '其他'] as const;
export type ExpenseCategory = (typeof EXPENSE_CATEGORIES)[number];
export const PAYMENT_METHODS = ['公务卡', '转账', '现金'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** Statistics categories (docs/contracts.md §2.5, docs/reception-rules.md §4). */
export const STAT_CATEGORIES = ['省部级及以上', '厅局级', '大型活动', '外宾接待', '客商接待', '指导接待', '其他'] as const;
export type StatCategory = (typeof STAT_CATEGORIES)[number];

/** Who owns a checklist task by default (docs/contracts.md §2.3). */
export const OWNER_ROLES = ['requester', 'department_head', 'office_director', 'office_staff'] as const;
export type OwnerRole = (typeof OWNER_ROLES)[number];

/** 0 for the highest rank; larger is more junior. Unknown ranks sort last. */
export function rankIndex(rank: string): number {
  const i = (RANKS as readonly string[]).indexOf(rank);
  return i < 0 ? RANKS.length : i;
}

/** True when `rank` is `min` or more senior. */
export function rankAtLeast(rank: string, min: string): boolean {
  return rankIndex(rank) <= rankIndex(min);
}

export function isRank(v: unknown): v is Rank {
  return typeof v === 'string' && (RANKS as readonly string[]).includes(v);
}

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1..99 in Chinese numerals: 3 → 三, 10 → 十, 12 → 十二, 25 → 二十五. */
export function chineseNumber(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 99) return String(n);
  if (n < 10) return DIGITS[n];
  const tens = Math.floor(n / 10);
  return `${tens === 1 ? '' : DIGITS[tens]}十${n % 10 ? DIGITS[n % 10] : ''}`;
}

/** 1/divisor as a document writes it: 3 → 三分之一, 4 → 四分之一. */
export function fraction(divisor: number): string {
  return `${chineseNumber(divisor)}分之一`;
}
