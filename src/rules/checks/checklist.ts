// The checklist a plan starts from (docs/contracts.md §2.3): every template matching the kind and rank,
// with deadlines made absolute from the arrival date.
import { addDays } from './dates.js';
import type { Policy } from '../policy/policy-schema.js';
import type { ItineraryStop } from './read-request.js';
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

/** Days before arrival by which the route is walked (踩点): "所有的线路你必须提前踩点". */
export const SCOUT_DAYS = -2;

/** A route's tasks: 踩点 two days before, and one 讲解 task per explainer of its sites, the day before. */
export function routeTasks(r: { arrive_date: string; route?: string; itinerary?: ItineraryStop[] }): ChecklistTask[] {
  if (!r.route || !r.itinerary?.length) return [];
  const out: ChecklistTask[] = [
    { title: `踩点：考察线路“${r.route}”（${r.itinerary.map((s) => s.site).join('→')}），核实路线、车程和各点位接待准备`, owner: 'office_staff', due_date: addDays(r.arrive_date, SCOUT_DAYS), due_time: '17:00', template: '考察线路' },
  ];
  const byExplainer = new Map<string, string[]>();
  for (const s of r.itinerary) if (s.explainer) byExplainer.set(s.explainer, [...(byExplainer.get(s.explainer) ?? []), `${s.site}${s.start}`]);
  for (const [who, sites] of byExplainer) {
    out.push({ title: `讲解：通知讲解员${who}，确认讲解${sites.join('、')}`, owner: 'office_staff', due_date: addDays(r.arrive_date, -1), due_time: '12:00', template: '考察线路' });
  }
  return out;
}

export function buildChecklist(policy: Policy, r: { kind: Kind; lead_rank: string; arrive_date: string; route?: string; itinerary?: ItineraryStop[] }): ChecklistTask[] {
  return [...policy.checklists
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
    ), ...routeTasks(r)]
    .sort((a, b) => `${a.due_date} ${a.due_time}`.localeCompare(`${b.due_date} ${b.due_time}`));
}
