import { and, eq } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import { errorToast as error, type CardActionEvent, type CardActionResult, type MessageEvent } from '../chat/event.js';
import { type TaskRecord, tasks } from '../db/schema/index.js';
import { judgeMeal, readMealForm } from './meal-task.js';
import { refreshPlanCards, scheduleTaskJobs } from './plan.js';
import { closesWithSettlement } from './task-jobs.js';
import { CODE_PATTERN, findReception, PLAN_LIVE as LIVE } from '../reception/store.js';
import { isOffice, nameOf } from '../org/access.js';

/** Loads and locks a task of a live reception named by a card's value; says what is wrong otherwise. */
async function lockTask(ctx: HandlerContext, code: unknown, taskId: unknown) {
  if (typeof code !== 'string' || typeof taskId !== 'number') return { error: '卡片数据无效，未作任何更改。' } as const;
  const r = await findReception(ctx.tx, code, { lock: true });
  const [task] = r ? await ctx.tx.select().from(tasks).where(and(eq(tasks.id, taskId), eq(tasks.receptionId, r.id))).for('update') : [];
  if (!r || !task) return { error: '卡片信息与接待记录不符，未作任何更改。' } as const;
  if (!LIVE.includes(r.state)) return { error: `接待${r.code}已${r.state === 'withdrawn' ? '撤回' : r.state === 'cancelled' ? '取消' : '结束'}，任务不再办理。` } as const;
  return { r, task } as const;
}

/** 完成: the task's owner or the reception office closes a task; the checklist and progress cards follow. */
export async function onTaskDone(event: CardActionEvent, ctx: HandlerContext): Promise<CardActionResult> {
  const got = await lockTask(ctx, event.value.code, event.value.task);
  if ('error' in got) return error(got.error!);
  const { r, task } = got;
  if (task.status === 'done') return { toast: { type: 'info', content: `“${task.title}”已完成，无需重复操作。` } };
  if (closesWithSettlement(ctx.policy, task)) return error(`“${task.title}”在接待${r.code}的结算办结后自动完成，请发送“结算 ${r.code}”办理。`);
  if (event.operatorId !== task.owner && !isOffice(ctx.org, event.operatorId)) {
    return error(`只有责任人${ctx.org.person(task.owner)?.name ?? ''}或接待办可以办结此项任务。`);
  }
  let record: TaskRecord | undefined;
  if (task.form === 'meal') {
    const read = readMealForm(event.formValue);
    if (!read.meal) return error(`未办结：${read.problems.join('；')}。`);
    record = { meal: read.meal, findings: judgeMeal(r.form, read.meal, ctx.policy), by: event.operatorId, at: ctx.now.toISOString() };
    const blocks = record.findings.filter((f) => f.severity === 'block');
    if (blocks.length) {
      // The meal as entered and what forbids it stay on the task; the task stays open until the menu is changed.
      await ctx.tx.update(tasks).set({ record }).where(eq(tasks.id, task.id));
      await ctx.audit({ actor: event.operatorId, entity: 'task', entityId: String(task.id), action: 'meal_refused', detail: { code: r.code, title: task.title, findings: blocks.map((f) => f.message) } });
      const card = await refreshPlanCards(ctx, r);
      return { toast: { type: 'error', content: `未办结：${blocks[0].message}` }, card };
    }
  }
  await ctx.tx.update(tasks).set({ status: 'done', doneBy: event.operatorId, doneAt: ctx.now, ...(record ? { record } : {}) }).where(eq(tasks.id, task.id));
  await ctx.audit({ actor: event.operatorId, entity: 'task', entityId: String(task.id), action: 'done', from: 'open', to: 'done', detail: { code: r.code, title: task.title, ...(record ? { meal: record.meal } : {}) } });
  const card = await refreshPlanCards(ctx, r);
  const noted = record?.findings.length ? `；${record.findings.length}项提示见任务卡片` : '';
  return { toast: { type: record?.findings.length ? 'warning' : 'success', content: `已办结：${task.title}${noted}` }, card };
}

/**
 * A new owner must see the checklist to tap 完成: they join the reception's group. Once the group
 * exists they are added to it; while its create_chat row is still pending they are added to that row.
 */
/** A new owner joins the reception group: once the group exists (the outbox waits for it); adding a member twice is harmless. */
async function joinGroup(ctx: HandlerContext, groupRef: string | null, user: string) {
  if (!groupRef) return;
  await ctx.enqueue({ op: 'add_members', chat: { type: 'created_chat', sentBy: groupRef }, userIds: [user] });
}

async function reassign(ctx: HandlerContext, actor: string, r: NonNullable<Awaited<ReturnType<typeof findReception>>>, task: typeof tasks.$inferSelect, to: string) {
  await ctx.tx.update(tasks).set({ owner: to }).where(eq(tasks.id, task.id));
  await ctx.audit({ actor, entity: 'task', entityId: String(task.id), action: 'assign', detail: { code: r.code, title: task.title, from: task.owner, to } });
  await scheduleTaskJobs(ctx, [task]); // a new period: the new owner's reminders, the old owner's silenced
  await joinGroup(ctx, r.groupRef, to);
  await ctx.send({ type: 'user', id: to }, { kind: 'text', text: `${nameOf(ctx.org, actor)}将接待${r.code}的任务“${task.title}”指派给您办理。` });
  return refreshPlanCards(ctx, r);
}

/** The person select on a task: the office (or the current owner) hands the task to someone else. */
export async function onTaskAssign(event: CardActionEvent, ctx: HandlerContext): Promise<CardActionResult> {
  const got = await lockTask(ctx, event.value.code, event.value.task);
  if ('error' in got) return error(got.error!);
  const { r, task } = got;
  const to = event.option ?? '';
  if (!ctx.org.person(to)) return error('指派对象不在本单位人员名单中。');
  if (event.operatorId !== task.owner && !isOffice(ctx.org, event.operatorId)) return error('只有责任人或接待办可以改派任务。');
  if (task.status !== 'open') return error(`“${task.title}”已办结，不能改派。`);
  if (to === task.owner) return { toast: { type: 'info', content: '责任人未变。' } };
  const card = await reassign(ctx, event.operatorId, r, task, to);
  return { toast: { type: 'success', content: `已改派给${ctx.org.person(to)!.name}` }, card };
}

/** 指派 JD-2026-0001 <任务> @某人 */
export function onAssignCommand(resolveMention: (event: MessageEvent, ctx: HandlerContext) => string | undefined) {
  return async (event: MessageEvent, ctx: HandlerContext, args: string) => {
    const say = (text: string) => ctx.say({ kind: 'text', text });
    const [codeRaw, ...rest] = args.trim().split(/\s+/);
    const code = (codeRaw ?? '').toUpperCase();
    const to = resolveMention(event, ctx);
    const words = rest.filter((w) => !w.startsWith('@')).join(' ').trim();
    if (!CODE_PATTERN.test(code) || !words || !to) return void (await say('格式：指派 JD-2026-0001 任务名称 @某人'));
    if (!isOffice(ctx.org, event.senderId)) return void (await say('只有接待办可以指派任务。'));
    const r = await findReception(ctx.tx, code, { lock: true });
    if (!r || !LIVE.includes(r.state)) return void (await say(`未找到进行中的接待${code}。`));
    const open = await ctx.tx.select().from(tasks).where(and(eq(tasks.receptionId, r.id), eq(tasks.status, 'open')));
    const matches = open.filter((t) => t.title.includes(words));
    if (matches.length !== 1) {
      return void (await say(matches.length ? `“${words}”对应多项任务，请写得更具体：${matches.map((t) => t.title).join('；')}` : `接待${code}中没有未办结的任务“${words}”。`));
    }
    // The same owner again changes nothing (a new period would send the reminders again).
    if (to === matches[0].owner) return void (await say(`“${matches[0].title}”的责任人已是${ctx.org.person(to)!.name}，未作变更。`));
    await reassign(ctx, event.senderId, r, matches[0], to);
    await say(`已将“${matches[0].title}”指派给${ctx.org.person(to)!.name}。`);
  };
}

