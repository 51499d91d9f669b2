// The meal task (the policy's checklist task with `form: meal`): completing it asks for the menu,
// the diners and the meal's length (with the venue and the cost per person when known), and the
// plan rules judge them (rules/checks/check-facts.ts judgePlan: R8 diners, R9 menu and venue,
// alcohol and meal length by the policy). A finding that forbids keeps the task open; the findings
// show on the task and the progress card.
import { formText } from '../chat/event.js';
import type { TaskRecord } from '../db/schema/index.js';
import { judgePlan } from '../rules/checks/check-facts.js';
import { sortFindings } from '../rules/checks/finding.js';
import type { Policy } from '../rules/policy/policy-schema.js';

export type MealEntry = TaskRecord['meal'];

/** The form's fields, their labels, and what a person must write. */
export const MEAL_FIELDS = {
  menu: '菜单（菜名及酒水）',
  diners: '用餐人数（含陪餐）',
  minutes: '用餐时长（分钟）',
  venue: '用餐地点',
  cost_per_person: '人均费用（元）',
} as const;

/** Reads the task card's form: the meal, or the Chinese problems, one per field. */
export function readMealForm(form: Record<string, unknown> | undefined): { meal?: MealEntry; problems: string[] } {
  const problems: string[] = [];
  const menu = formText(form, 'menu').trim();
  if (!menu) problems.push(`请填写${MEAL_FIELDS.menu}`);
  const whole = (key: 'diners' | 'minutes', min: number, max: number) => {
    const text = formText(form, key).trim();
    if (!text) {
      problems.push(`请填写${MEAL_FIELDS[key]}`);
      return NaN;
    }
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) problems.push(`${MEAL_FIELDS[key]}应为${min}至${max}之间的整数，现为「${text}」`);
    return n;
  };
  const diners = whole('diners', 1, 500);
  const minutes = whole('minutes', 1, 600);
  const venue = formText(form, 'venue').trim();
  const costText = formText(form, 'cost_per_person').trim();
  const cost = costText ? Number(costText) : undefined;
  if (costText && !(cost !== undefined && Number.isFinite(cost) && cost >= 0 && /^\d+(\.\d{1,2})?$/.test(costText))) {
    problems.push(`${MEAL_FIELDS.cost_per_person}应为不小于0的金额，现为「${costText}」`);
  }
  if (problems.length) return { problems };
  return {
    meal: { menu: menu.slice(0, 500), diners, minutes, ...(venue ? { venue: venue.slice(0, 100) } : {}), ...(cost !== undefined ? { cost_per_person: cost } : {}) },
    problems,
  };
}

/** The plan rules on one meal of an approved request, most serious first. */
export function judgeMeal(request: unknown, meal: MealEntry, policy: Policy): TaskRecord['findings'] {
  return sortFindings(judgePlan(request, { meals: [meal] }, policy)).map((f) => ({
    rule: f.rule,
    severity: f.severity,
    // "第1次用餐" is the plan's numbering; on the task it is this meal.
    message: f.message.replace(/^第1次用餐/, '本次用餐'),
    ...(f.field ? { field: f.field } : {}),
  }));
}
