// Checks a reception plan (接待方案): its tasks, itinerary and meals. Plans that add welcome
// ceremonies get a warning citing R6; tourism, entertainment and gifts (R12), luxury dishes
// and venues (R9), alcohol and over-long meals (local) are refused or flagged.
import { cite, type Finding, finding } from './finding.js';
import type { Policy } from '../policy/policy-schema.js';
import type { ReceptionRequest } from './read-request.js';
import { maxAccompany, mealStandard } from '../policy/standards.js';
import { findWords, quote } from './words.js';

export interface PlanMeal {
  title?: string;
  venue?: string;
  /** Dishes and drinks: one string or a list. */
  menu?: string | string[];
  /** Planned length in minutes. */
  minutes?: number;
  alcohol?: boolean;
  /** Everyone at the table, guests and hosts. */
  diners?: number;
  /** 元 per person. */
  cost_per_person?: number;
}

export interface PlanFacts {
  tasks?: { title: string }[];
  itinerary?: { title: string; place?: string }[];
  meals?: PlanMeal[];
}

export function checkPlan(plan: PlanFacts, policy: Policy, request?: ReceptionRequest): Finding[] {
  const out: Finding[] = [];
  const w = policy.banned_words;
  const texts: [string, string, string][] = [
    ...(plan.tasks ?? []).map((t, i): [string, string, string] => [t.title, `plan.tasks[${i}]`, `任务「${t.title}」`]),
    ...(plan.itinerary ?? []).map((t, i): [string, string, string] => [
      `${t.title} ${t.place ?? ''}`,
      `plan.itinerary[${i}]`,
      `行程「${t.title}」`,
    ]),
  ];
  for (const [text, field, what] of texts) {
    const r6 = findWords(text, w.welcome);
    if (r6.length) out.push(finding('R6', 'reason', `${what}含${quote(r6)}：不得到机场、车站、码头和辖区边界迎送，不得悬挂横幅标语、铺设地毯、组织群众迎送 (R6)`, field));
    const r12 = findWords(text, [...w.activities, ...w.gifts]);
    if (r12.length) out.push(finding('R12', 'block', `${what}含${quote(r12)}：不得安排与公务无关的参观游览、娱乐健身、专场演出，不得赠送礼品 (R12)`, field));
  }
  const meals = plan.meals ?? [];
  meals.forEach((meal, i) => out.push(...checkMeal(meal, i, policy, request)));
  const allowed = policy.meals.working_meal.max_per_visit;
  if (request?.kind !== '外事' && meals.length > allowed) {
    out.push(finding('R8', 'block', `方案安排工作餐${meals.length}次，每次来访只可安排${allowed}次 (R8)`, 'plan.meals'));
  }
  return out;
}

function checkMeal(meal: PlanMeal, i: number, policy: Policy, request?: ReceptionRequest): Finding[] {
  const out: Finding[] = [];
  const field = `plan.meals[${i}]`;
  const what = `第${i + 1}次用餐`;
  const w = policy.banned_words;
  const menu = Array.isArray(meal.menu) ? meal.menu.join('、') : (meal.menu ?? '');
  const dishes = findWords(menu, w.dishes);
  if (dishes.length) out.push(finding('R9', 'block', `${what}菜单含${quote(dishes)}：工作餐应为家常菜，不得提供高档菜肴、野生动物和香烟 (R9)`, `${field}.menu`));
  const venue = findWords(`${meal.venue ?? ''} ${meal.title ?? ''}`, w.venues);
  if (venue.length) out.push(finding('R9', 'block', `${what}地点含${quote(venue)}：不得在私人会所、高消费餐饮场所安排 (R9)`, `${field}.venue`));
  if (!policy.meals.alcohol_allowed) {
    const drink = findWords(menu, w.alcohol);
    if (meal.alcohol || drink.length) {
      const rule = 'meals.alcohol_allowed';
      out.push(finding(rule, 'block', `${what}安排酒水${drink.length ? `${quote(drink)}` : ''}：本地规定工作餐不得饮酒 ${cite(rule)}`, `${field}.menu`));
    }
  }
  const limit = policy.meals.max_minutes;
  if (limit !== null && meal.minutes !== undefined && meal.minutes > limit) {
    const rule = 'meals.max_minutes';
    out.push(finding(rule, 'reason', `${what}计划${meal.minutes}分钟，工作餐时长不超过${limit}分钟 ${cite(rule)}`, `${field}.minutes`));
  }
  if (request && meal.diners !== undefined && request.kind !== '外事') {
    const max = maxAccompany(request.guest_count, policy);
    const hosts = meal.diners - request.guest_count;
    if (hosts > max) out.push(finding('R8', 'block', `来访${request.guest_count}人，陪餐最多${max}人，${what}安排${meal.diners}人（陪餐${hosts}人）(R8)`, `${field}.diners`));
  }
  if (request && meal.cost_per_person !== undefined) {
    const std = mealStandard(policy, request.kind, request.lead_rank);
    if (std && meal.cost_per_person > std.max) {
      out.push(finding(std.rule, policy.meals.working_meal.over_standard, `${what}人均${meal.cost_per_person}元，超过${request.lead_rank}${std.label}${std.max}${std.unit} ${cite(std.rule)}`, `${field}.cost_per_person`));
    }
  }
  return out;
}
