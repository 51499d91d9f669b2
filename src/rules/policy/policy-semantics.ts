// Checks that relate one part of a structurally valid policy to another, and keep
// the national ceilings: a local policy may be stricter than the national rules, never looser.
import { nationalFloor, type PathProblem } from './national-floor.js';
import type { Policy } from './policy-schema.js';
import { RANKS } from '../vocabulary.js';

export type { PathProblem };

type RankRows = { ranks?: readonly string[] }[];

/** Every rank must have exactly one row (a row without ranks covers them all). */
function coverage(rows: RankRows, path: (string | number)[], out: PathProblem[]): void {
  if (rows.some((r) => !r.ranks)) {
    if (rows.length > 1) out.push({ path, message: 'a row without ranks (a flat standard) must be the only row' });
    return;
  }
  const seen = new Map<string, number>();
  rows.forEach((row, i) => {
    for (const rank of row.ranks ?? []) {
      const first = seen.get(rank);
      if (first !== undefined) out.push({ path: [...path, i, 'ranks'], message: `rank ${rank} is already in row ${first}` });
      else seen.set(rank, i);
    }
  });
  const missing = RANKS.filter((r) => !seen.has(r));
  if (missing.length) out.push({ path, message: `no row for rank ${missing.join(', ')}` });
}

function containsAny(text: string, list: readonly string[]): string | undefined {
  return list.find((w) => text.includes(w));
}

export function checkPolicySemantics(p: Policy): PathProblem[] {
  const out: PathProblem[] = [];
  coverage(p.meals.working_meal.per_person, ['meals', 'working_meal', 'per_person'], out);
  coverage(p.foreign.daily_meals, ['foreign', 'daily_meals'], out);
  if (p.business.per_person) coverage(p.business.per_person, ['business', 'per_person'], out);
  coverage(p.lodging.rooms_by_rank, ['lodging', 'rooms_by_rank'], out);

  out.push(...nationalFloor(p));

  const { welcome, gifts, activities } = p.banned_words;
  p.checklists.forEach((tpl, i) =>
    tpl.tasks.forEach((task, j) => {
      const w6 = containsAny(task.title, welcome);
      const w12 = containsAny(task.title, [...gifts, ...activities]);
      const path = ['checklists', i, 'tasks', j, 'title'];
      if (w6) out.push({ path, message: `contains "${w6}", which R6 forbids` });
      if (w12) out.push({ path, message: `contains "${w12}", which R12 forbids` });
    }),
  );

  const { start, end } = p.reminders.working_hours;
  if (start >= end) out.push({ path: ['reminders', 'working_hours'], message: `start ${start} must be before end ${end}` });
  return out;
}
