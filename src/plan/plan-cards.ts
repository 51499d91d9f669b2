import type { Card, CardElement } from '../cards/card.js';
import { button, card, escapeMd, hr, md } from '../cards/elements.js';

export interface TaskView {
  id: number;
  title: string;
  ownerName: string;
  /** "11月28日 17:00" in the unit's time zone. */
  due: string;
  status: 'open' | 'done' | 'cancelled';
  overdue: boolean;
  doneByName?: string;
  /** Closed by the settlement, not by a tap: what the settlement stands at ("结算：待财务审核"). */
  settlementNote?: string;
}

export interface PlanView {
  code: string;
  guestUnit: string;
  leadLine: string;
  dates: string;
  guestCount: string;
  tasks: TaskView[];
}

const progressLine = (tasks: TaskView[]) => {
  const live = tasks.filter((t) => t.status !== 'cancelled');
  return `${live.filter((t) => t.status === 'done').length}/${live.length} 已完成`;
};

/** The reception plan as a checklist: each task with its owner, its deadline and a 完成 button. */
export function buildChecklistCard(plan: PlanView, people: { id: string; name: string }[]): Card {
  const rows: CardElement[] = plan.tasks.flatMap((t): CardElement[] => {
    const mark = t.status === 'done' ? '【已完成】' : t.overdue ? "<font color='red'>【已逾期】</font>" : '【待办】';
    const who = t.status === 'done' && t.doneByName ? `，${escapeMd(t.doneByName)}办结` : '';
    const note = t.settlementNote ? `\n${escapeMd(t.settlementNote)}` : '';
    const line = md(`${mark}**${escapeMd(t.title)}**\n责任人：${escapeMd(t.ownerName)}　时限：${escapeMd(t.due)}${who}${note}`);
    if (t.status !== 'open' || t.settlementNote) return [line];
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
              {
                tag: 'select_person',
                name: `assign_${t.id}`,
                placeholder: { tag: 'plain_text', content: '改派' },
                options: people.map((p) => ({ value: p.id })),
                behaviors: [{ type: 'callback', value: { action: 'task.assign', code: plan.code, task: t.id } }],
              },
            ],
          },
        ],
      },
    ];
  });
  return card({
    title: `接待方案：${plan.code}`,
    subtitle: `${plan.guestUnit} · ${plan.dates}`,
    template: 'turquoise',
    summary: `${plan.code} 接待方案 ${progressLine(plan.tasks)}`,
    elements: [
      md(`**来访**：${escapeMd(plan.guestUnit)}，${escapeMd(plan.leadLine)}，一行${escapeMd(plan.guestCount)}人\n**日期**：${escapeMd(plan.dates)}\n一事一议、一会一方案：每项任务均有责任人和时限，办结后请点“完成”。`),
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
  return card({
    title: `${plan.code} 办理进度：${done}/${live.length} 已完成`,
    template: done === live.length ? 'green' : overdue ? 'red' : 'blue',
    summary: `${plan.code} ${done}/${live.length} 已完成`,
    elements: [md(`**${escapeMd(plan.guestUnit)}** ${escapeMd(plan.dates)}\n已完成 ${done} 项，未完成 ${live.length - done} 项${overdue ? `，其中逾期 ${overdue} 项` : ''}。`)],
  });
}
