// Checks a reception plan (接待方案): its tasks, itinerary and meals. Plans that add welcome
// ceremonies get a warning citing R6; tourism, entertainment and gifts (R12), luxury dishes,
// premium liquor, cigarettes and venues (R9), alcohol and over-long meals (local) are refused or
// flagged. 外事 meals follow the foreign-affairs standards (banquets, daily meals), not R8.
import { cite, type Finding, finding } from './finding.js';
import type { Policy } from '../policy/policy-schema.js';
import type { ReceptionRequest } from './read-request.js';
import { checkMealCosts } from './meal-costs.js';
import { maxAccompany } from '../policy/standards.js';
import { alcoholRule, alcoholWords, findWords, quote, r9Words } from './words.js';

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
  /** YYYY-MM-DD: meals of one day are summed where the standard is per day. */
  date?: string;
  /** 外事: a banquet (宴请), and its host's level as the policy names it (foreign.banquets host). */
  banquet?: boolean;
  host?: string;
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
  if (request) {
    const costs = meals.flatMap((m, i) =>
      m.cost_per_person === undefined
        ? []
        : [{ each: m.cost_per_person, date: m.date, banquet: m.banquet, host: m.host, what: `第${i + 1}次用餐`, field: `plan.meals[${i}].cost_per_person` }],
    );
    out.push(...checkMealCosts(costs, request, policy));
  }
  return out;
}

function checkMeal(meal: PlanMeal, i: number, policy: Policy, request?: ReceptionRequest): Finding[] {
  const out: Finding[] = [];
  const field = `plan.meals[${i}]`;
  const what = `第${i + 1}次用餐`;
  const w = policy.banned_words;
  const menu = Array.isArray(meal.menu) ? meal.menu.join('、') : (meal.menu ?? '');
  const dishes = r9Words(menu, policy);
  if (dishes.length) out.push(finding('R9', 'block', `${what}菜单含${quote(dishes)}：工作餐应为家常菜，不得提供高档菜肴、野生动物、高档酒和香烟 (R9)`, `${field}.menu`));
  const venue = findWords(`${meal.venue ?? ''} ${meal.title ?? ''}`, w.venues);
  if (venue.length) out.push(finding('R9', 'block', `${what}地点含${quote(venue)}：不得在私人会所、高消费餐饮场所安排 (R9)`, `${field}.venue`));
  const drink = alcoholWords(menu, policy);
  if (drink.length || (meal.alcohol && policy.meals.alcohol_allowed === false)) {
    const rule = 'meals.alcohol_allowed';
    out.push(finding(rule, 'block', `${what}安排酒水${drink.length ? quote(drink) : ''}：${alcoholRule(policy)} ${cite(rule)}`, `${field}.menu`));
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
  return out;
}
