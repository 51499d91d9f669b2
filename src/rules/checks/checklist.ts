// The checklist a plan starts from (docs/contracts.md §2.3): every template matching the kind and rank,
// with deadlines made absolute from the arrival date.
import { addDays } from './dates.js';
import type { Policy } from '../policy/policy-schema.js';
import { type Kind, type OwnerRole, rankAtLeast } from '../vocabulary.js';

export interface ChecklistTask {
  title: string;
  owner: OwnerRole;
  /** YYYY-MM-DD in the unit's time zone. */
  due_date: string;
  /** HH:mm in the unit's time zone. */
  due_time: string;
  /** The template the task comes from. */
  template: string;
  /** meal: the task asks for the menu, diners and minutes when completed (the plan rules run). */
  form?: 'meal';
}

export function buildChecklist(policy: Policy, r: { kind: Kind; lead_rank: string; arrive_date: string }): ChecklistTask[] {
  return policy.checklists
    .filter((t) => t.kinds.includes(r.kind) && (!t.min_rank || rankAtLeast(r.lead_rank, t.min_rank)))
    .flatMap((t) =>
      t.tasks.map((task) => ({
        title: task.title,
        owner: task.owner,
        due_date: addDays(r.arrive_date, task.due_days),
        due_time: task.due_time,
        template: t.name,
        ...(task.form ? { form: task.form } : {}),
      })),
    )
    .sort((a, b) => `${a.due_date} ${a.due_time}`.localeCompare(`${b.due_date} ${b.due_time}`));
}
