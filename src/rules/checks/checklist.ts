// The checklist a plan starts from (docs/plan.md): every template and task whose conditions hold for
// the request (kind, rank, lodging, meal, vehicles, headcount) and the policy, with deadlines made
// absolute from the arrival date.
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
  /** Closes itself when the settlement is settled. */
  closes_with?: 'settlement';
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

/** The request's fields a checklist looks at; absent ones count as not arranged. */
export interface ChecklistRequest {
  kind: Kind;
  lead_rank: string;
  arrive_date: string;
  lodging?: string;
  working_meal?: string;
  vehicles?: number | string;
  guest_count?: number | string;
  route?: string;
  itinerary?: ItineraryStop[];
}

type Condition = NonNullable<Policy['checklists'][number]['when']>;

/** True when every condition given holds for the request. */
export function conditionHolds(policy: Pick<Policy, 'plan'>, c: Condition | undefined, r: ChecklistRequest): boolean {
  if (!c) return true;
  const lodging = !!r.lodging && r.lodging !== '不安排';
  const meal = r.working_meal === '是';
  const vehicles = Number(r.vehicles ?? 0) > 0;
  const guests = Number(r.guest_count ?? 0);
  return (
    (c.lodging === undefined || c.lodging === lodging) &&
    (c.meal === undefined || c.meal === meal) &&
    (c.vehicles === undefined || c.vehicles === vehicles) &&
    (!c.kinds || c.kinds.includes(r.kind)) &&
    (!c.min_rank || rankAtLeast(r.lead_rank, c.min_rank)) &&
    (!c.max_rank || rankAtLeast(c.max_rank, r.lead_rank)) &&
    (c.min_guests === undefined || guests >= c.min_guests) &&
    (c.max_guests === undefined || guests <= c.max_guests) &&
    (c.greeting === undefined || c.greeting === rankAtLeast(r.lead_rank, policy.plan.greeting_min_rank))
  );
}

export function buildChecklist(policy: Pick<Policy, 'checklists' | 'plan'>, r: ChecklistRequest): ChecklistTask[] {
  return [...policy.checklists
    .filter((t) => t.kinds.includes(r.kind) && (!t.min_rank || rankAtLeast(r.lead_rank, t.min_rank)) && conditionHolds(policy, t.when, r))
    .flatMap((t) =>
      t.tasks
        .filter((task) => conditionHolds(policy, task.when, r))
        .map((task) => ({
          title: task.title,
          owner: task.owner,
          due_date: addDays(r.arrive_date, task.due_days),
          due_time: task.due_time,
          template: t.name,
          ...(task.form ? { form: task.form } : {}),
          ...(task.closes_with ? { closes_with: task.closes_with } : {}),
        })),
    ), ...routeTasks(r)]
    .sort((a, b) => `${a.due_date} ${a.due_time}`.localeCompare(`${b.due_date} ${b.due_time}`));
}
