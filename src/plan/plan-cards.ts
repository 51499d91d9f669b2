import type { Card, CardElement } from '../cards/card.js';
import { button, card, columns, escapeMd, form, hr, input, md } from '../cards/elements.js';
import type { TaskRecord } from '../db/schema/index.js';
import { MEAL_FIELDS } from './meal-task.js';

export interface TaskView {
  id: number;
  title: string;
  ownerName: string;
  /** "11月28日 17:00" in the unit's time zone. */
  due: string;
  status: 'open' | 'done' | 'cancelled';
  overdue: boolean;
  doneByName?: string;
  /** meal: completing asks for the menu, diners and minutes. */
  form?: 'meal';
  /** What the meal form recorded and the plan rules' findings. */
  record?: TaskRecord;
  /** Closed by the settlement, not by a tap: what the settlement stands at ("结算：待财务审核"). */
  settlementNote?: string;
}

const SEVERITY = { block: '【不得办理】', reason: '【须说明理由】', info: '【提示】' } as const;

/** The meal as recorded and the findings on it, for the task and the progress card. */
function mealLines(record: TaskRecord): string {
  const m = record.meal;
  const facts = [`菜单：${m.menu}`, `${m.diners}人用餐`, `${m.minutes}分钟`, ...(m.venue ? [`地点：${m.venue}`] : []), ...(m.cost_per_person !== undefined ? [`人均${m.cost_per_person}元`] : [])];
  const findings = record.findings.map((f) => `\n- ${SEVERITY[f.severity]}${escapeMd(f.message)}`).join('');
  return `${escapeMd(facts.join('；'))}${findings || '\n- 对照接待标准未发现问题'}`;
}

/** The meal task's form: the menu, diners and minutes (venue and cost when known), and 完成. */
function mealForm(t: TaskView, code: string): CardElement {
  const m = t.record?.meal;
  return form(`meal_${t.id}`, [
    input({ name: 'menu', label: MEAL_FIELDS.menu, required: true, multiline: true, maxLength: 500, value: m?.menu, placeholder: '如：家常菜四菜一汤，不上酒' }),
    columns(
      [input({ name: 'diners', label: MEAL_FIELDS.diners, required: true, maxLength: 3, value: m ? String(m.diners) : undefined })],
      [input({ name: 'minutes', label: MEAL_FIELDS.minutes, required: true, maxLength: 3, value: m ? String(m.minutes) : undefined })],
    ),
    columns(
      [input({ name: 'venue', label: MEAL_FIELDS.venue, maxLength: 100, value: m?.venue })],
      [input({ name: 'cost_per_person', label: MEAL_FIELDS.cost_per_person, maxLength: 10, value: m?.cost_per_person !== undefined ? String(m.cost_per_person) : undefined })],
    ),
    button({ text: '完成', type: 'primary', name: `done_${t.id}`, submit: true, value: { action: 'task.done', code, task: t.id } }),
  ]);
}

export interface PlanView {
  code: string;
  guestUnit: string;
  leadLine: string;
  dates: string;
  guestCount: string;
  tasks: TaskView[];
  /** 取消接待: the reception was called off; its open tasks were cancelled with it. */
  cancelled?: boolean;
}

const progressLine = (tasks: TaskView[]) => {
  const live = tasks.filter((t) => t.status !== 'cancelled');
  return `${live.filter((t) => t.status === 'done').length}/${live.length} 已完成`;
};

/** The reception plan as a checklist: each task with its owner, its deadline and a 完成 button. */
export function buildChecklistCard(plan: PlanView, people: { id: string; name: string }[]): Card {
  const rows: CardElement[] = plan.tasks.flatMap((t): CardElement[] => {
    const mark = t.status === 'done' ? '【已完成】' : t.status === 'cancelled' ? '【已取消】' : t.overdue ? "<font color='red'>【已逾期】</font>" : '【待办】';
    const who = t.status === 'done' && t.doneByName ? `，${escapeMd(t.doneByName)}办结` : '';
    const meal = t.record ? `\n${mealLines(t.record)}` : t.form === 'meal' && t.status === 'open' ? '\n办结时请填写菜单、用餐人数和用餐时长，系统对照接待标准检查。' : '';
    const note = t.settlementNote ? `\n${escapeMd(t.settlementNote)}` : '';
    const line = md(`${mark}**${escapeMd(t.title)}**\n责任人：${escapeMd(t.ownerName)}　时限：${escapeMd(t.due)}${who}${meal}${note}`);
    if (t.status !== 'open' || t.settlementNote) return [line];
    const assign: CardElement = {
      tag: 'select_person',
      name: `assign_${t.id}`,
      placeholder: { tag: 'plain_text', content: '改派' },
      options: people.map((p) => ({ value: p.id })),
      behaviors: [{ type: 'callback', value: { action: 'task.assign', code: plan.code, task: t.id } }],
    };
    if (t.form === 'meal') return [line, mealForm(t, plan.code), assign];
    return [
      {
        tag: 'column_set',
        flex_mode: 'none',
        horizontal_spacing: '8px',
        columns: [
          { tag: 'column', width: 'weighted', weight: 3, vertical_align: 'center', elements: [line] },
          {
            tag: 'column',
            width: 'weighted',
            weight: 1,
            vertical_align: 'center',
            elements: [
              button({ text: '完成', type: 'primary', name: `done_${t.id}`, value: { action: 'task.done', code: plan.code, task: t.id } }),
              assign,
            ],
          },
        ],
      },
    ];
  });
  return card({
    title: `接待方案：${plan.code}`,
    subtitle: `${plan.guestUnit} · ${plan.dates}`,
    template: plan.cancelled ? 'grey' : 'turquoise',
    summary: `${plan.code} 接待方案 ${plan.cancelled ? '接待已取消' : progressLine(plan.tasks)}`,
    elements: [
      md(
        `**来访**：${escapeMd(plan.guestUnit)}，${escapeMd(plan.leadLine)}，一行${escapeMd(plan.guestCount)}人\n**日期**：${escapeMd(plan.dates)}\n${
          plan.cancelled ? '**本接待已取消**，未办结的任务随之取消，不再办理。' : '一事一议、一会一方案：每项任务均有责任人和时限，办结后请点“完成”。'
        }`,
      ),
      hr(),
      ...rows,
    ],
  });
}

/** The progress card: "7/12 已完成", updated as tasks close. */
export function buildProgressCard(plan: PlanView): Card {
  const live = plan.tasks.filter((t) => t.status !== 'cancelled');
  const done = live.filter((t) => t.status === 'done').length;
  const overdue = live.filter((t) => t.status === 'open' && t.overdue).length;
  if (plan.cancelled) {
    const dropped = plan.tasks.length - done;
    return card({
      title: `${plan.code} 接待已取消`,
      template: 'grey',
      summary: `${plan.code} 接待已取消`,
      elements: [md(`**${escapeMd(plan.guestUnit)}** ${escapeMd(plan.dates)}\n本接待已取消。已完成 ${done} 项${dropped ? `，其余 ${dropped} 项任务随接待取消，不再办理` : ''}。`)],
    });
  }
  return card({
    title: `${plan.code} 办理进度：${done}/${live.length} 已完成`,
    template: live.some((t) => t.record?.findings.some((f) => f.severity === 'block')) ? 'red' : done === live.length ? 'green' : overdue ? 'red' : 'blue',
    summary: `${plan.code} ${done}/${live.length} 已完成`,
    elements: [
      md(`**${escapeMd(plan.guestUnit)}** ${escapeMd(plan.dates)}\n已完成 ${done} 项，未完成 ${live.length - done} 项${overdue ? `，其中逾期 ${overdue} 项` : ''}。`),
      ...live.filter((t) => t.record).map((t) => md(`**${escapeMd(t.title)}**\n${mealLines(t.record!)}`)),
    ],
  });
}
