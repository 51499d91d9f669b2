import { and, asc, eq, inArray } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import { buildChecklistCard, buildProgressCard, type PlanView } from './plan-cards.js';
import type { Executor } from '../db/client.js';
import { receptions, settlements, tasks } from '../db/schema/index.js';
import type { CreatedChat } from '../chat/outbox.js';
import { closesWithSettlement, dueText, scheduleNewPlanJobs } from './task-jobs.js';
import { buildChecklist } from '../rules/checks/checklist.js';
import type { OwnerRole } from '../rules/vocabulary.js';
import { postHandbook } from './handbook.js';
import { scheduleReview } from '../review/review.js';
import type { Org } from '../org/org.js';
import { nameOf } from '../org/access.js';
import type { Reception } from '../reception/store.js';
import { SETTLEMENT_STATE_LABEL } from '../reception/state-labels.js';
import type { Policy } from '../rules/policy/policy-schema.js';
import { zonedInstant } from '../lib/working-time.js';

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

export async function planView(tx: Executor, org: Org, policy: Policy, r: Reception, now: Date, tz: string): Promise<PlanView> {
  const rows = await tx.select().from(tasks).where(eq(tasks.receptionId, r.id)).orderBy(asc(tasks.dueAt), asc(tasks.id));
  const [settlement] = rows.some((t) => closesWithSettlement(policy, t)) ? await tx.select({ state: settlements.state }).from(settlements).where(eq(settlements.receptionId, r.id)) : [];
  const settlementNote = `结算：${settlement ? (SETTLEMENT_STATE_LABEL[settlement.state] ?? '办理中') : '尚未发起'}（结算办结后此项自动完成）`;
  const f = r.form;
  const name = (id?: string | null) => (id ? nameOf(org, id) : undefined);
  return {
    code: r.code,
    guestUnit: f.guest_unit,
    leadLine: `${f.lead_name}${f.lead_title}（${f.lead_rank}）`,
    dates: f.arrive_date === f.depart_date ? f.arrive_date : `${f.arrive_date} 至 ${f.depart_date}`,
    guestCount: String(f.guest_count),
    ...(r.state === 'cancelled' ? { cancelled: true } : {}),
    tasks: rows.map((t) => ({
      id: t.id,
      title: t.title,
      ownerName: name(t.owner)!,
      due: dueText(t.dueAt, tz),
      status: t.status as 'open' | 'done' | 'cancelled',
      overdue: t.status === 'open' && t.dueAt.getTime() < now.getTime(),
      doneByName: name(t.doneBy),
      ...(t.status === 'open' && closesWithSettlement(policy, t) ? { settlementNote } : {}),
      ...(t.form === 'meal' ? { form: 'meal' as const } : {}),
      ...(t.record ? { record: t.record } : {}),
    })),
  };
}

const people = (org: Org) => org.people.map(({ id, name }) => ({ id, name }));

export { scheduleTaskJobs } from './task-jobs.js';

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
  const late = await scheduleNewPlanJobs(ctx, r.code, inserted);
  const lateLine = late.length ? `其中${late.length}项批准时已过原定时限（${late.map((t) => t.title).join('；')}），已通知责任人尽快补办。` : '';
  const view = await planView(ctx.tx, ctx.org, ctx.policy, r, ctx.now, tz);
  const checklistRef = await ctx.enqueue({ op: 'send', to: where, message: { kind: 'card', card: buildChecklistCard(view, people(ctx.org)) } });
  const progressRef = await ctx.enqueue({ op: 'send', to: where, message: { kind: 'card', card: buildProgressCard(view) } });
  if (ctx.policy.plan.group_chat) await ctx.enqueue({ op: 'pin', sentBy: progressRef });
  await ctx.tx.update(receptions).set({ groupRef, checklistRef, progressRef }).where(eq(receptions.id, r.id));
  Object.assign(r, { groupRef, checklistRef, progressRef });
  if (ctx.policy.plan.group_chat) {
    await ctx.enqueue({
      op: 'send',
      to: { type: 'chat', id: office.chat_id },
      message: { kind: 'text', text: `【新批准接待】${r.code}：${f.guest_unit}${f.lead_name}${f.lead_title}一行${f.guest_count}人，${view.dates}来访，已建立接待工作群，方案共${inserted.length}项任务。${lateLine}` },
    });
  } else if (lateLine) {
    await ctx.enqueue({ op: 'send', to: { type: 'chat', id: office.chat_id }, message: { kind: 'text', text: `【逾期督办】接待${r.code}方案共${inserted.length}项任务，${lateLine}` } });
  }
  await scheduleReview(ctx.tx, r, tz);
  await postHandbook(ctx, r, where);
}

/** Re-renders the checklist and progress cards wherever they were posted. */
export async function refreshPlanCards(ctx: Ctx, r: Reception): Promise<ReturnType<typeof buildChecklistCard>> {
  const view = await planView(ctx.tx, ctx.org, ctx.policy, r, ctx.now, ctx.config.timeZone);
  const checklist = buildChecklistCard(view, people(ctx.org));
  if (r.checklistRef) await ctx.enqueue({ op: 'update_card', sentBy: r.checklistRef, card: checklist });
  if (r.progressRef) await ctx.enqueue({ op: 'update_card', sentBy: r.progressRef, card: buildProgressCard(view) });
  return checklist;
}

/**
 * The settlement moved on: the plan's settlement task shows where it stands, and closes itself when
 * the settlement is settled (填写接待清单并办理结算 is done by settling, not by a tap).
 */
export async function syncSettlementTask(ctx: Ctx, r: Reception, settled: boolean): Promise<void> {
  const open = (await ctx.tx.select().from(tasks).where(and(eq(tasks.receptionId, r.id), eq(tasks.status, 'open')))).filter((t) => closesWithSettlement(ctx.policy, t));
  if (settled && open.length) await ctx.tx.update(tasks).set({ status: 'done', doneAt: ctx.now }).where(inArray(tasks.id, open.map((t) => t.id)));
  if (open.length) await refreshPlanCards(ctx, r);
}

/**
 * 取消接待: every open task is cancelled (its reminders and digest lines then stay silent: they read
 * only open tasks of a live reception), and the checklist and pinned progress cards say the
 * reception is called off. `r` is the reception as the cancelling transaction leaves it.
 */
export async function cancelPlan(ctx: Ctx, r: Reception): Promise<number> {
  const dropped = await ctx.tx.update(tasks).set({ status: 'cancelled' }).where(and(eq(tasks.receptionId, r.id), eq(tasks.status, 'open'))).returning({ id: tasks.id });
  await refreshPlanCards(ctx, r);
  return dropped.length;
}
