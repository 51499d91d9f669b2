// 统计 (docs/contracts.md §2.5, R13, R21): batches and persons by category, money by category and by
// department, budget used, rule findings, month by month; all from the ledger (接待台账), which
// holds the bot's receptions and imported history, one row each, indexed by arrival date.
import { and, between, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { ledgerEntries } from '../db/schema/index.js';
import type { Policy } from '../rules/policy/policy-schema.js';
import { STAT_CATEGORIES } from '../rules/vocabulary.js';
import { localDate } from '../lib/working-time.js';

export interface Period {
  /** YYYY-MM-DD, inclusive */
  from: string;
  to: string;
  /** 2026年, 2026年1月至6月, 2026年11月 */
  label: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const monthPeriod = (y: number, m: number): Period => ({ from: `${y}-${pad(m)}-01`, to: `${y}-${pad(m)}-${pad(lastDay(y, m))}`, label: `${y}年${m}月` });

/**
 * Reads 统计's period: `2026`, `本年`/`今年`, `本月`, `上月`, `去年`, `2026-03`, `2026年3月`,
 * `2026-01 至 2026-06` (also 到, ~, -). Empty means this year. A period that has not begun, or
 * whose end comes before its start, is refused with the reason.
 */
export function parsePeriod(args: string, now: Date, timeZone: string): Period | { error: string } {
  const today = localDate(now, timeZone);
  const [ty, tm] = today.split('-').map(Number);
  const a = args
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, '')
    .replace(/年度$/, '年');
  const month = (s: string): { y: number; m: number } | undefined => {
    const x = /^(\d{4})(?:-|\/|\.|年)(\d{1,2})月?$/.exec(s);
    return x && Number(x[2]) >= 1 && Number(x[2]) <= 12 ? { y: Number(x[1]), m: Number(x[2]) } : undefined;
  };
  let p: Period | undefined;
  if (a === '' || a === '本年' || a === '今年') p = { from: `${ty}-01-01`, to: `${ty}-12-31`, label: `${ty}年` };
  else if (a === '去年' || a === '上年') p = { from: `${ty - 1}-01-01`, to: `${ty - 1}-12-31`, label: `${ty - 1}年` };
  else if (a === '本月') p = monthPeriod(ty, tm);
  else if (a === '上月') p = tm === 1 ? monthPeriod(ty - 1, 12) : monthPeriod(ty, tm - 1);
  else if (/^\d{4}年?$/.test(a)) {
    const y = Number(a.slice(0, 4));
    p = { from: `${y}-01-01`, to: `${y}-12-31`, label: `${y}年` };
  } else if (month(a)) {
    const { y, m } = month(a)!;
    p = monthPeriod(y, m);
  } else {
    const range = /^(.+?)(?:至|到|~|～|—|--)(.+)$/.exec(a);
    const from = range ? month(range[1]) : undefined;
    // "2026-01至06" / "2026年1月至6月": the second month may omit the year.
    const to = range ? (month(range[2]) ?? (/^(\d{1,2})月?$/.test(range[2]) && from ? month(`${from.y}-${range[2].replace('月', '')}`) : undefined)) : undefined;
    if (from && to) {
      const a1 = monthPeriod(from.y, from.m);
      const b1 = monthPeriod(to.y, to.m);
      if (a1.from > b1.from) return { error: `统计期间的起始月份（${a1.label}）晚于结束月份（${b1.label}），请检查。` };
      p = { from: a1.from, to: b1.to, label: from.y === to.y ? `${from.y}年${from.m}月至${to.m}月` : `${a1.label}至${b1.label}` };
    }
  }
  if (!p) return { error: `未能识别统计期间“${args.slice(0, 30)}”。可用写法：统计 2026、统计 本年、统计 本月、统计 上月、统计 2026-01 至 2026-06。` };
  if (Number(p.from.slice(0, 4)) < 1990) return { error: `统计期间“${args.slice(0, 30)}”早于1990年，请检查年份。` };
  if (p.from > today) return { error: `统计期间${p.label}尚未开始，无法统计。` };
  return p;
}

export interface Tally {
  batches: number;
  persons: number;
  /** Settled or imported money, fen. */
  fen: number;
}

export interface Statistics {
  period: Period;
  /** Which rows counted, in words (统计口径). */
  basis: string;
  total: Tally;
  byCategory: ({ category: string } & Tally)[];
  byDepartment: ({ department: string } & Tally)[];
  byMonth: ({ month: string } & Tally)[];
  /** Rows not yet settled: counted in batches and persons, without money. */
  unsettled: number;
  /** Rule findings that needed a reason or blocked, and the receptions they concern. */
  findings: { count: number; receptions: number };
  /** Budget by calendar year of the period: the annual budget and the money of that whole year. */
  budget: { year: number; annualFen: number; usedFen: number }[];
}

/** The ledger statuses a policy counts. */
export function countedStatuses(policy: Policy): string[] {
  return policy.statistics.count === 'settled' ? ['settled', 'imported'] : ['approved', 'settled', 'imported'];
}

export function basisText(policy: Policy): string {
  return policy.statistics.count === 'settled'
    ? '统计口径：已结算的接待及导入的历史台账，按到达日期计入；费用为结算金额。'
    : '统计口径：已审批通过（含结算中、已结算，不含已取消）的接待及导入的历史台账，按到达日期计入；费用为已结算金额，未结算的只计批次和人数。';
}

const tally = (r: { batches: unknown; persons: unknown; fen: unknown }): Tally => ({ batches: Number(r.batches), persons: Number(r.persons ?? 0), fen: Number(r.fen ?? 0) });

/**
 * Every figure of one period in one pass over the period's ledger rows (the arrival-date index):
 * grouping sets give the categories, departments, months, years and the total together. The
 * budget needs whole years, so a period that is not made of whole years reads its years once more.
 */
export async function computeStatistics(db: Executor, policy: Policy, period: Period): Promise<Statistics> {
  const l = ledgerEntries;
  const statuses = countedStatuses(policy);
  const firstYear = Number(period.from.slice(0, 4));
  const lastYear = Number(period.to.slice(0, 4));
  const years = Array.from({ length: lastYear - firstYear + 1 }, (_, i) => firstYear + i);
  const wholeYears = period.from.endsWith('-01-01') && period.to.endsWith('-12-31');
  type Row = { category: string | null; department: string | null; month: string | null; year: number | null; g: number; batches: string; persons: string; fen: string; unsettled: string; findings: string; with_findings: string };
  const grouped = db.execute(sql`
    select ${l.category} as category, ${l.department} as department, to_char(${l.date}, 'YYYY-MM') as month, extract(year from ${l.date})::int as year,
      grouping(${l.category}, ${l.department}, to_char(${l.date}, 'YYYY-MM'), extract(year from ${l.date})::int) as g,
      count(*) as batches, coalesce(sum(${l.guestCount}), 0) as persons, coalesce(sum(${l.totalFen}), 0) as fen,
      count(*) filter (where ${l.status} = 'approved') as unsettled, coalesce(sum(${l.findings}), 0) as findings, count(*) filter (where ${l.findings} > 0) as with_findings
    from ${l}
    where ${between(l.date, period.from, period.to)} and ${inArray(l.status, statuses)}
    group by grouping sets ((${l.category}), (${l.department}), (to_char(${l.date}, 'YYYY-MM')), (extract(year from ${l.date})::int), ())`);
  const yearly = wholeYears
    ? undefined
    : db
        .select({ year: sql<number>`extract(year from ${l.date})::int`, fen: sql<string>`coalesce(sum(${l.totalFen}), 0)` })
        .from(l)
        .where(and(between(l.date, `${firstYear}-01-01`, `${lastYear}-12-31`), inArray(l.status, statuses)))
        .groupBy(sql`1`);
  const [result, yearRows] = await Promise.all([grouped, yearly]);
  const rows = ((result as unknown as { rows?: Row[] }).rows ?? (result as unknown as Row[])) as Row[];
  // grouping() sets a bit for each column left out: category 8, department 4, month 2, year 1.
  const set = (g: number) => rows.filter((r) => Number(r.g) === g);
  const t = (r: Row): Tally => tally(r);
  const totalRow = set(15)[0];
  const cats = new Map(set(7).map((r) => [r.category!, t(r)]));
  const yearFen = new Map<number, number>(
    wholeYears ? set(14).map((r) => [Number(r.year), Number(r.fen)]) : (yearRows ?? []).map((r) => [Number(r.year), Number(r.fen)]),
  );
  return {
    period,
    basis: basisText(policy),
    total: totalRow ? t(totalRow) : { batches: 0, persons: 0, fen: 0 },
    byCategory: (STAT_CATEGORIES as readonly string[]).map((category) => ({ category, ...(cats.get(category) ?? { batches: 0, persons: 0, fen: 0 }) })),
    byDepartment: set(11)
      .map((r) => ({ department: r.department!, ...t(r) }))
      .sort((a, b) => b.fen - a.fen || b.batches - a.batches),
    byMonth: set(13)
      .map((r) => ({ month: r.month!, ...t(r) }))
      .sort((a, b) => a.month.localeCompare(b.month)),
    unsettled: Number(totalRow?.unsettled ?? 0),
    findings: { count: Number(totalRow?.findings ?? 0), receptions: Number(totalRow?.with_findings ?? 0) },
    budget: years.map((year) => ({ year, annualFen: Math.round(policy.budget.annual * 100), usedFen: yearFen.get(year) ?? 0 })),
  };
}

