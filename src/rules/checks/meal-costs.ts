// What meals cost per person against the standard, shared by the plan and the settlement checks:
// a domestic working meal by the policy's basis (per meal, or summed per day), a 外事 banquet by the
// banquet standard of its host (元/人 per banquet), other 外事 meals summed per day against the
// foreign daily standard. Boundaries: exactly at the standard passes; anything above it is over.
import { daysBetween } from './dates.js';
import { cite, type Finding, finding } from './finding.js';
import type { Policy } from '../policy/policy-schema.js';
import type { ReceptionRequest } from './read-request.js';
import { mealStandard } from '../policy/standards.js';

export interface MealCost {
  /** 元 per person for this meal. */
  each: number;
  /** YYYY-MM-DD when known; meals without a date are summed over the visit. */
  date?: string;
  /** A 外事 banquet (宴请), and who hosts it (a `foreign.banquets` host, e.g. 部长级). */
  banquet?: boolean;
  host?: string;
  /** For messages: 第1次用餐, 第2笔餐费450元. */
  what: string;
  field: string;
}

const yuan = (n: number) => `${Math.round(n * 100) / 100}元`;
const over = (each: number, max: number) => each > max + 1e-9;

/** The visit's length in days, at least one. */
export function visitDays(r: Pick<ReceptionRequest, 'arrive_date' | 'depart_date'>): number {
  return Math.max(1, daysBetween(r.arrive_date, r.depart_date) + 1);
}

/** Sums per day: meals with a date by their date; meals without one over the whole visit (max × days). */
function perDay(meals: MealCost[], max: number, r: ReceptionRequest): { each: number; max: number; label: string; field: string }[] {
  const groups = new Map<string, MealCost[]>();
  for (const m of meals) groups.set(m.date ?? '', [...(groups.get(m.date ?? '') ?? []), m]);
  return [...groups].map(([date, list]) => {
    const each = list.reduce((n, m) => n + m.each, 0);
    const field = list.length === 1 ? list[0].field : list[0].field.replace(/\[\d+\].*$/, '');
    if (date) return { each, max, label: `${date}用餐（${list.map((m) => m.what).join('、')}）`, field };
    const days = visitDays(r);
    if (days === 1 && list.length === 1) return { each, max, label: list[0].what, field };
    return { each, max: max * days, label: `在访${days}天用餐（${list.map((m) => m.what).join('、')}）`, field };
  });
}

export function checkMealCosts(meals: MealCost[], r: ReceptionRequest, policy: Policy): Finding[] {
  if (!meals.length) return [];
  const severity = policy.meals.working_meal.over_standard;
  const out: Finding[] = [];
  if (r.kind === '外事') {
    const rule = 'foreign.banquets';
    const rows = policy.foreign.banquets;
    // A host not named in the policy gets the lowest banquet standard.
    const strictest = rows.reduce((a, b) => (b.max < a.max ? b : a));
    for (const m of meals.filter((x) => x.banquet)) {
      const row = rows.find((b) => b.host === m.host) ?? strictest;
      const host = rows.some((b) => b.host === m.host) ? `${row.host}主持` : `未写明主持人级别，按${row.host}主持`;
      if (over(m.each, row.max)) {
        out.push(finding(rule, severity, `${m.what}，为外宾宴请，人均${yuan(m.each)}，超过${host}的宴请标准${row.max}元/人 ${cite(rule)}`, m.field));
      }
    }
    const banquets = meals.filter((x) => x.banquet).length;
    if (banquets > policy.foreign.max_banquets_per_stay) {
      const rule2 = 'foreign.max_banquets_per_stay';
      out.push(finding(rule2, 'reason', `外宾在访期间宴请最多${policy.foreign.max_banquets_per_stay}次，现为${banquets}次 ${cite(rule2)}`, meals.find((x) => x.banquet)!.field.replace(/\[\d+\].*$/, '')));
    }
    const daily = meals.filter((x) => !x.banquet);
    const std = mealStandard(policy, '外事', r.lead_rank);
    if (std && daily.length) {
      for (const g of perDay(daily, std.max, r)) {
        if (over(g.each, g.max)) out.push(finding(std.rule, severity, `${g.label}，人均${yuan(g.each)}，超过${r.lead_rank}${std.label}${g.max === std.max ? `${std.max}${std.unit}` : `${std.max}${std.unit}，合计${g.max}元/人`} ${cite(std.rule)}`, g.field));
      }
    }
    return out;
  }
  const std = mealStandard(policy, r.kind, r.lead_rank);
  if (!std) return out;
  if (policy.meals.working_meal.basis === 'per_meal') {
    for (const m of meals) {
      if (over(m.each, std.max)) out.push(finding(std.rule, severity, `${m.what}，人均${yuan(m.each)}，超过${r.lead_rank}${std.label}${std.max}${std.unit} ${cite(std.rule)}`, m.field));
    }
    return out;
  }
  for (const g of perDay(meals, std.max, r)) {
    if (over(g.each, g.max)) out.push(finding(std.rule, severity, `${g.label}，人均${yuan(g.each)}，超过${r.lead_rank}${std.label}${g.max === std.max ? `${std.max}${std.unit}` : `${std.max}${std.unit}，合计${g.max}元/人`} ${cite(std.rule)}`, g.field));
  }
  return out;
}
