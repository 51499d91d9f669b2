import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import { buildChecklistCard, buildProgressCard, type PlanView } from './plan-cards.js';
import type { Executor } from '../db/client.js';
import { receptions, tasks } from '../db/schema/index.js';
import type { CreatedChat } from '../chat/outbox.js';
import { scheduleJobs } from '../jobs/scheduler.js';
import { buildChecklist } from '../rules/checks/checklist.js';
import type { OwnerRole } from '../rules/vocabulary.js';
import { postHandbook } from './handbook.js';
import { scheduleReview } from '../review/review.js';
import type { Org } from '../org/org.js';
import { nameOf } from '../org/access.js';
import type { Reception } from '../reception/store.js';
import { zonedInstant, zonedParts } from '../lib/working-time.js';

type Ctx = Pick<HandlerContext, 'tx' | 'org' | 'policy' | 'config' | 'now' | 'enqueue'>;
export type Task = typeof tasks.$inferSelect;

/** The person a checklist role names for this reception. */
export function ownerFor(role: OwnerRole, r: Pick<Reception, 'requester' | 'department'>, org: Org): string {
  switch (role) {
    case 'requester':
      return r.requester;
    case 'department_head':
      return org.department(r.department)?.head ?? r.requester;
    case 'office_director':
      return org.reception_office.director;
    case 'office_staff':
      return org.reception_office.staff[0] ?? org.reception_office.director;
  }
}

const fmt = (at: Date, tz: string) => {
  const p = zonedParts(at, tz);
  const [, m, d] = p.date.split('-').map(Number);
  return `${m}月${d}日 ${String(Math.floor(p.minutes / 60)).padStart(2, '0')}:${String(p.minutes % 60).padStart(2, '0')}`;
};

export async function planView(tx: Executor, org: Org, r: Reception, now: Date, tz: string): Promise<PlanView> {
  const rows = await tx.select().from(tasks).where(eq(tasks.receptionId, r.id)).orderBy(asc(tasks.dueAt), asc(tasks.id));
  const f = r.form;
  const name = (id?: string | null) => (id ? nameOf(org, id) : undefined);
  return {
    code: r.code,
    guestUnit: f.guest_unit,
    leadLine: `${f.lead_name}${f.lead_title}（${f.lead_rank}）`,
    dates: f.arrive_date === f.depart_date ? f.arrive_date : `${f.arrive_date} 至 ${f.depart_date}`,
    guestCount: String(f.guest_count),
    tasks: rows.map((t) => ({
      id: t.id,
      title: t.title,
      ownerName: name(t.owner)!,
      due: fmt(t.dueAt, tz),
      status: t.status,
      overdue: t.status === 'open' && t.dueAt.getTime() < now.getTime(),
      doneByName: name(t.doneBy),
      ...(t.form === 'meal' ? { form: 'meal' as const } : {}),
      ...(t.record ? { record: t.record } : {}),
    })),
  };
}

const people = (org: Org) => org.people.map(({ id, name }) => ({ id, name }));

/** Reminder before the deadline and the overdue notice of each task in its current period: sent once each. */
function taskJobs(ctx: Ctx, list: Pick<Task, 'id' | 'owner' | 'dueAt' | 'period'>[]) {
  const before = ctx.policy.reminders.task_remind_before_hours * 3_600_000;
  return scheduleJobs(
    ctx.tx,
    list.flatMap((t) => {
      const payload = { taskId: t.id, owner: t.owner, dueAt: t.dueAt.toISOString(), period: t.period };
      const key = `${t.id}:${t.period}:${t.owner}:${payload.dueAt}`;
      return [
        { kind: 'task.remind', runAt: new Date(Math.max(ctx.now.getTime(), t.dueAt.getTime() - before)), payload, uniqueKey: `task.remind:${key}` },
        { kind: 'task.overdue', runAt: t.dueAt, payload, uniqueKey: `task.overdue:${key}` },
      ];
    }),
  );
}

/**
 * For tasks whose owner or deadline has just changed (written in this transaction): each starts a
 * new period, which ends the jobs of the last one, and gets its reminders for the new one. Jobs are
 * tied to a period, not to an owner and a deadline: a task handed A → B → A, or a deadline moved
 * and moved back, gets its reminders again, though A's first reminder ran (silently) meanwhile.
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

/**
 * On final approval (一事一议、一会一方案): the checklist from the policy's templates, a group chat for
 * the reception (created once: the outbox row id is Feishu's uuid) or the office chat, the checklist
 * and progress cards posted there, the office chat told, and every deadline's reminders scheduled.
 */
export async function startPlan(ctx: Ctx, r: Reception): Promise<void> {
  const tz = ctx.config.timeZone;
  const f = r.form;
  const checklist = buildChecklist(ctx.policy, f);
  const inserted = checklist.length
    ? await ctx.tx
        .insert(tasks)
        .values(
          checklist.map((t) => {
            const [h, m] = t.due_time.split(':').map(Number);
            return { receptionId: r.id, title: t.title, template: t.template, owner: ownerFor(t.owner, r, ctx.org), dueAt: zonedInstant(t.due_date, h * 60 + m, tz), createdAt: ctx.now, form: t.form ?? null };
          }),
        )
        .returning()
    : [];

  const office = ctx.org.reception_office;
  let where: CreatedChat | { type: 'chat'; id: string };
  let groupRef: string | null = null;
  if (ctx.policy.plan.group_chat) {
    const members = [...new Set([r.requester, office.director, ...office.staff, ...inserted.map((t) => t.owner)])];
    groupRef = await ctx.enqueue({ op: 'create_chat', name: `${r.code} ${f.guest_unit}接待工作群`.slice(0, 60), description: `${f.guest_unit}来访接待（${f.arrive_date}）`, userIds: members });
    where = { type: 'created_chat', sentBy: groupRef };
  } else {
    where = { type: 'chat', id: office.chat_id };
  }
  const view = await planView(ctx.tx, ctx.org, r, ctx.now, tz);
  const checklistRef = await ctx.enqueue({ op: 'send', to: where, message: { kind: 'card', card: buildChecklistCard(view, people(ctx.org)) } });
  const progressRef = await ctx.enqueue({ op: 'send', to: where, message: { kind: 'card', card: buildProgressCard(view) } });
  if (ctx.policy.plan.group_chat) await ctx.enqueue({ op: 'pin', sentBy: progressRef });
  await ctx.tx.update(receptions).set({ groupRef, checklistRef, progressRef }).where(eq(receptions.id, r.id));
  Object.assign(r, { groupRef, checklistRef, progressRef });
  if (ctx.policy.plan.group_chat) {
    await ctx.enqueue({
      op: 'send',
      to: { type: 'chat', id: office.chat_id },
      message: { kind: 'text', text: `【新批准接待】${r.code}：${f.guest_unit}${f.lead_name}${f.lead_title}一行${f.guest_count}人，${view.dates}来访，已建立接待工作群，方案共${inserted.length}项任务。` },
    });
  }
  await taskJobs(ctx, inserted);
  await scheduleReview(ctx.tx, r, tz);
  await postHandbook(ctx, r, where);
}

/** Re-renders the checklist and progress cards wherever they were posted. */
export async function refreshPlanCards(ctx: Ctx, r: Reception): Promise<ReturnType<typeof buildChecklistCard>> {
  const view = await planView(ctx.tx, ctx.org, r, ctx.now, ctx.config.timeZone);
  const checklist = buildChecklistCard(view, people(ctx.org));
  if (r.checklistRef) await ctx.enqueue({ op: 'update_card', sentBy: r.checklistRef, card: checklist });
  if (r.progressRef) await ctx.enqueue({ op: 'update_card', sentBy: r.progressRef, card: buildProgressCard(view) });
  return checklist;
}
