import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import { card, escapeMd, hr, md } from '../cards/elements.js';
import type { Executor } from '../db/client.js';
import { approvals, receptions, tasks } from '../db/schema/index.js';
import { enqueue } from '../chat/outbox.js';
import { scheduleJob, type JobBody } from '../jobs/scheduler.js';
import type { Policy } from '../rules/policy/policy-schema.js';
import type { Org } from '../org/org.js';
import { nameOf } from '../org/access.js';
import { reviewJobs } from '../review/review.js';
import { zonedInstant, zonedParts } from '../lib/working-time.js';
import { closingHint, dueText } from './task-jobs.js';

import type { FormFields } from '../reception/form-fields.js';
import { AWAITING_APPROVAL, PLAN_LIVE as LIVE } from '../reception/store.js';
const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const toMin = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

/** Every morning's digest is one job keyed by its date, created on the first tick of the day: sent once, or late after downtime. */
export async function ensureDailyDigest(db: Executor, policy: Policy, now: Date, timeZone: string): Promise<void> {
  const { date, weekday } = zonedParts(now, timeZone);
  if (!policy.reminders.workdays.includes(weekday)) return;
  await scheduleJob(db, { kind: 'digest.daily', runAt: zonedInstant(date, toMin(policy.reminders.daily_digest_at), timeZone), payload: { date }, uniqueKey: `digest:${date}` });
}

export function planJobs(org: Org, policy: Policy, timeZone: string): Record<string, JobBody> {
  const name = (id: string) => nameOf(org, id);
  /**
   * The task as the job saw it when scheduled: nothing is sent if it was done, reassigned or moved
   * since, or its reception withdrawn. A job without a period was scheduled before periods were
   * counted, for the task's period 0.
   */
  const still = async (tx: Parameters<JobBody>[0], payload: unknown) => {
    const p = payload as { taskId: number; owner: string; dueAt: string; period?: number };
    // 完成, 改派 and a change moving the deadlines lock the task's reception first; so does every
    // change of the reception's state. Locking it here, in a statement of its own, makes the read
    // below wait for such a transaction and see what it committed.
    await tx
      .select({ id: receptions.id })
      .from(tasks)
      .innerJoin(receptions, eq(receptions.id, tasks.receptionId))
      .where(eq(tasks.id, p.taskId))
      .for('share', { of: receptions });
    const [row] = await tx
      .select({ title: tasks.title, template: tasks.template, owner: tasks.owner, status: tasks.status, dueAt: tasks.dueAt, period: tasks.period, code: receptions.code, state: receptions.state })
      .from(tasks)
      .innerJoin(receptions, eq(receptions.id, tasks.receptionId))
      .where(eq(tasks.id, p.taskId));
    const current = row && row.status === 'open' && LIVE.includes(row.state) && row.owner === p.owner && row.dueAt.toISOString() === p.dueAt;
    return current && row.period === (p.period ?? 0) ? row : undefined;
  };
  const due = (at: Date) => dueText(at, timeZone);
  return {
    // 接待总结 the day after departure (src/review).
    ...reviewJobs(org, timeZone),
    'task.remind': async (tx, job, now) => {
      const t = await still(tx, job.payload);
      // A reminder run after its deadline (the bot was down) never names a past time as one to meet:
      // the overdue notice says it instead.
      if (!t || t.dueAt.getTime() <= now.getTime()) return;
      await enqueue(tx, { op: 'send', to: { type: 'user', id: t.owner }, message: { kind: 'text', text: `【任务提醒】接待${t.code}：“${t.title}”须于${due(t.dueAt)}前完成，${closingHint(policy, t)}` } });
    },
    'task.overdue': async (tx, job) => {
      const t = await still(tx, job.payload);
      if (!t) return;
      await enqueue(tx, { op: 'send', to: { type: 'user', id: t.owner }, message: { kind: 'text', text: `【任务逾期】接待${t.code}：“${t.title}”已超过时限（${due(t.dueAt)}），请尽快办理。` } });
      const director = org.reception_office.director;
      if (director !== t.owner) {
        await enqueue(tx, { op: 'send', to: { type: 'user', id: director }, message: { kind: 'text', text: `【逾期督办】接待${t.code}：${name(t.owner)}负责的“${t.title}”已超过时限（${due(t.dueAt)}）。` } });
      }
    },
    'digest.daily': async (tx, job, now) => {
      const { date } = job.payload as { date: string };
      const tomorrow = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      const dayStart = zonedInstant(date, 0, timeZone);
      const dayEnd = zonedInstant(tomorrow, 0, timeZone);
      const visiting = await tx
        .select({ code: receptions.code, form: receptions.form })
        .from(receptions)
        .where(and(inArray(receptions.state, LIVE), sql`${receptions.form}->>'arrive_date' <= ${tomorrow}`, sql`${receptions.form}->>'depart_date' >= ${date}`))
        .orderBy(sql`${receptions.form}->>'arrive_date'`, asc(receptions.code));
      const open = await tx
        .select({ title: tasks.title, template: tasks.template, owner: tasks.owner, dueAt: tasks.dueAt, code: receptions.code })
        .from(tasks)
        .innerJoin(receptions, eq(receptions.id, tasks.receptionId))
        .where(and(eq(tasks.status, 'open'), inArray(receptions.state, LIVE), lt(tasks.dueAt, dayEnd)))
        .orderBy(asc(tasks.dueAt));
      const pending = await tx
        .select({ code: receptions.code, role: approvals.role, approver: approvals.approver })
        .from(approvals)
        .innerJoin(receptions, eq(receptions.id, approvals.receptionId))
        .where(and(eq(approvals.status, 'pending'), inArray(receptions.state, AWAITING_APPROVAL)))
        .orderBy(asc(approvals.pendingSince));
      const line = (code: string, f: FormFields) => `- ${code} ${escapeMd(String(f.guest_unit))} ${escapeMd(String(f.lead_name))}${escapeMd(String(f.lead_title))}一行${f.guest_count}人（${f.arrive_date === f.depart_date ? f.arrive_date : `${f.arrive_date}至${f.depart_date}`}）`;
      const today = visiting.filter((v) => String(v.form.arrive_date) <= date);
      const tmr = visiting.filter((v) => String(v.form.arrive_date) > date);
      const dueToday = open.filter((t) => t.dueAt >= dayStart && t.dueAt >= now);
      const overdue = open.filter((t) => t.dueAt < now);
      const task = (t: (typeof open)[number]) => `- ${t.code} ${escapeMd(t.title)}（${escapeMd(name(t.owner))}，${due(t.dueAt)}）`;
      const scheduled = job.runAt;
      const late = now.getTime() - scheduled.getTime() > 30 * 60_000;
      const section = (title: string, lines: string[]) => md(`**${title}（${lines.length}）**\n${lines.length ? lines.join('\n') : '无'}`);
      const digest = card({
        title: `接待工作日报 ${date}`,
        subtitle: late ? `补发：原定${hhmm(toMin(policy.reminders.daily_digest_at))}发送，系统恢复后补发` : undefined,
        template: overdue.length ? 'orange' : 'blue',
        summary: `接待工作日报 ${date}`,
        elements: [
          ...(late ? [md(`<font color='orange'>本日报原定${policy.reminders.daily_digest_at}发送，因系统中断延迟至${hhmm(zonedParts(now, timeZone).minutes)}补发。</font>`)] : []),
          section('今日接待', today.map((v) => line(v.code, v.form))),
          section('明日接待', tmr.map((v) => line(v.code, v.form))),
          hr(),
          section('今日到期任务', dueToday.map(task)),
          section('逾期任务', overdue.map(task)),
          hr(),
          section('待审批', pending.map((p) => `- ${p.code} 待${p.role}${escapeMd(name(p.approver))}审批`)),
        ],
      });
      await enqueue(tx, { op: 'send', to: { type: 'chat', id: org.reception_office.chat_id }, message: { kind: 'card', card: digest } });
    },
  };
}

