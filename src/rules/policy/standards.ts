// Looks up the numbers a check compares against: accompanying diners (R8), the meal
// standard for a guest's rank and kind of reception, the rooms a rank may have (R7).
import type { PerPersonRow, Policy } from './policy-schema.js';
import type { Kind, RoomType } from '../vocabulary.js';

/** R8: guests <= 10 -> at most 3; guests > 10 -> at most one third, rounded down (numbers from the policy). */
export function maxAccompany(guests: number, policy: Policy): number {
  const a = policy.accompany;
  return guests <= a.small_group_max_guests ? a.small_group_max_diners : Math.floor(guests / a.large_group_divisor);
}

function rowFor(rows: readonly PerPersonRow[], rank: string): PerPersonRow | undefined {
  return rows.find((r) => !r.ranks || (r.ranks as readonly string[]).includes(rank));
}

export interface MealStandard {
  max: number;
  /** 元/人·餐 or 元/人·天 */
  unit: string;
  /** The policy setting the number comes from. */
  rule: string;
  /** Which table, for messages: 工作餐标准, 外宾用餐标准, 客商接待标准. */
  label: string;
}

export function mealStandard(policy: Policy, kind: Kind, rank: string): MealStandard | undefined {
  if (kind === '外事') {
    const row = rowFor(policy.foreign.daily_meals, rank);
    return row && { max: row.max, unit: '元/人·天', rule: 'foreign.daily_meals', label: '外宾用餐标准' };
  }
  const unit = policy.meals.working_meal.basis === 'per_day' ? '元/人·天' : '元/人·餐';
  if (kind === '商务' && policy.business.per_person) {
    const row = rowFor(policy.business.per_person, rank);
    return row && { max: row.max, unit, rule: 'business.per_person', label: '客商接待标准' };
  }
  const row = rowFor(policy.meals.working_meal.per_person, rank);
  return row && { max: row.max, unit, rule: 'meals.working_meal.per_person', label: '工作餐标准' };
}

export function allowedRooms(policy: Policy, rank: string): RoomType[] {
  const row = policy.lodging.rooms_by_rank.find((r) => (r.ranks as readonly string[]).includes(rank));
  return row ? [...row.rooms] : ['标准间'];
}
