// The reminders of a plan's tasks: a reminder before each deadline and an overdue notice at it, each a
// durable job sent once. A plan approved late (the visit arrives today, or was held already) has tasks
// whose deadline, or whose reminder time, has passed before the plan exists: those are not reminded one
// by one but told to each owner in one catch-up message, and to the office in one line.
import { inArray, sql } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import { tasks } from '../db/schema/index.js';
import { scheduleJobs } from '../jobs/scheduler.js';
import type { Policy } from '../rules/policy/policy-schema.js';
import { zonedParts } from '../lib/working-time.js';

type Ctx = Pick<HandlerContext, 'tx' | 'org' | 'policy' | 'config' | 'now' | 'enqueue'>;
type Task = typeof tasks.$inferSelect;
type Scheduled = Pick<Task, 'id' | 'owner' | 'dueAt' | 'period'>;

/** "12月6日 08:30" in the unit's time zone. */
export function dueText(at: Date, tz: string): string {
  const p = zonedParts(at, tz);
  const [, m, d] = p.date.split('-').map(Number);
  return `${m}月${d}日 ${String(Math.floor(p.minutes / 60)).padStart(2, '0')}:${String(p.minutes % 60).padStart(2, '0')}`;
}

/** True when the policy's template says this task closes itself with the settlement. */
export function closesWithSettlement(policy: Pick<Policy, 'checklists'>, t: Pick<Task, 'template' | 'title'>): boolean {
  return policy.checklists.some((tpl) => tpl.name === t.template && tpl.tasks.some((x) => x.title === t.title && x.closes_with === 'settlement'));
}

/** What the owner does when the task is done: tap 完成, or nothing for a task the settlement closes. */
export const closingHint = (policy: Pick<Policy, 'checklists'>, t: Pick<Task, 'template' | 'title'>) =>
  closesWithSettlement(policy, t) ? '结算办结后此项自动完成。' : '办结后请在接待方案卡片上点“完成”。';

function jobsFor(t: Scheduled, what: ('remind' | 'overdue')[], remindAt: Date) {
  const payload = { taskId: t.id, owner: t.owner, dueAt: t.dueAt.toISOString(), period: t.period };
  const key = `${t.id}:${t.period}:${t.owner}:${payload.dueAt}`;
  return what.map((kind) =>
    kind === 'remind'
      ? { kind: 'task.remind', runAt: remindAt, payload, uniqueKey: `task.remind:${key}` }
      : { kind: 'task.overdue', runAt: t.dueAt, payload, uniqueKey: `task.overdue:${key}` },
  );
}

/** Reminder before the deadline and the overdue notice of each task in its current period: sent once each. */
function taskJobs(ctx: Ctx, list: Scheduled[]) {
  const before = ctx.policy.reminders.task_remind_before_hours * 3_600_000;
  return scheduleJobs(
    ctx.tx,
    list.flatMap((t) => jobsFor(t, ['remind', 'overdue'], new Date(Math.max(ctx.now.getTime(), t.dueAt.getTime() - before)))),
  );
}

/**
 * A new plan's tasks. A task whose reminder time is still ahead gets its reminder and overdue jobs.
 * The others go into one message to their owner: those already late ("原定…，批准时已过时限"), with no
 * job at all, and those due soon ("须于…前完成"), with only their overdue job. Returns the tasks that
 * were late when the plan was made, for the office's line.
 */
export async function scheduleNewPlanJobs(ctx: Ctx, code: string, list: Task[]): Promise<Task[]> {
  const before = ctx.policy.reminders.task_remind_before_hours * 3_600_000;
  const now = ctx.now.getTime();
  const late = list.filter((t) => t.dueAt.getTime() <= now);
  const soon = list.filter((t) => t.dueAt.getTime() > now && t.dueAt.getTime() - before <= now);
  const later = list.filter((t) => t.dueAt.getTime() - before > now);
  await scheduleJobs(ctx.tx, [
    ...later.flatMap((t) => jobsFor(t, ['remind', 'overdue'], new Date(t.dueAt.getTime() - before))),
    ...soon.flatMap((t) => jobsFor(t, ['overdue'], t.dueAt)),
  ]);
  const tz = ctx.config.timeZone;
  const owners = [...new Set([...late, ...soon].map((t) => t.owner))];
  for (const owner of owners) {
    const mine = [...late, ...soon].filter((t) => t.owner === owner).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
    const lines = mine.map((t, i) =>
      t.dueAt.getTime() <= now
        ? `${i + 1}. “${t.title}”原定${dueText(t.dueAt, tz)}前完成，批准时已过时限，请尽快补办。`
        : `${i + 1}. “${t.title}”须于${dueText(t.dueAt, tz)}前完成。`,
    );
    const mineLate = mine.filter((t) => t.dueAt.getTime() <= now).length;
    const head = mineLate
      ? `【任务补办】接待${code}已批准，您负责的${mine.length}项任务时间已到或临近：`
      : `【任务提醒】接待${code}已批准，您负责的${mine.length}项任务即将到期：`;
    const hint = mine.every((t) => closesWithSettlement(ctx.policy, t)) ? '结算办结后自动完成。' : '办结后请在接待方案卡片上点“完成”。';
    await ctx.enqueue({ op: 'send', to: { type: 'user', id: owner }, message: { kind: 'text', text: `${head}\n${lines.join('\n')}\n${hint}` } });
  }
  return late;
}

/**
 * For tasks whose owner or deadline has just changed (written in this transaction): each starts a
 * new period, which ends the jobs of the last one, and gets its reminders for the new one. Jobs are
 * tied to a period, not to an owner and a deadline: a task handed A → B → A, or a deadline moved
 * and moved back, gets its reminders again, though A's first reminder ran (silently) meanwhile.
 * A reminder whose deadline has passed when it runs is not sent (the overdue notice says it).
 */
export async function scheduleTaskJobs(ctx: Ctx, list: Pick<Task, 'id'>[]): Promise<void> {
  if (!list.length) return;
  const renewed = await ctx.tx
    .update(tasks)
    .set({ period: sql`${tasks.period} + 1` })
    .where(inArray(tasks.id, list.map((t) => t.id)))
    .returning({ id: tasks.id, owner: tasks.owner, dueAt: tasks.dueAt, period: tasks.period });
  await taskJobs(ctx, renewed);
}
