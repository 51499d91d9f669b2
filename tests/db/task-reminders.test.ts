// Task reminder jobs belong to one period of a task (one owner, one deadline): a change of either
// starts a new period with its own jobs, and a job of a period that has ended sends nothing.
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createHandlerContext } from '../../src/chat/context.js';
import type { CardActionEvent } from '../../src/chat/event.js';
import type { Db } from '../../src/db/client.js';
import { jobs, outbox, receptions, tasks } from '../../src/db/schema/index.js';
import type { ReceptionRequest } from '../../src/rules/checks/read-request.js';
import { createScheduler, scheduleJob } from '../../src/jobs/scheduler.js';
import { planJobs } from '../../src/plan/plan-jobs.js';
import { scheduleTaskJobs, type Task } from '../../src/plan/plan.js';
import { onTaskAssign } from '../../src/plan/task-actions.js';
import { testServices, useTestDatabase } from './use-test-database.js';

const tdb = useTestDatabase([outbox, jobs, tasks]);
const services = testServices();
const H = 3_600_000;
const t0 = new Date('2026-11-23T01:00:00Z');
const due = new Date(t0.getTime() + 48 * H); // the reminder 24 h before: t0 + 24 h

let codes = 0;
async function openTask(db: Db): Promise<{ code: string; task: Task }> {
  const [r] = await db
    .insert(receptions)
    .values({ code: `JD-2026-${String(9000 + ++codes)}`, requester: 'ou_staff1', department: '招商局', state: 'approved', form: { guest_unit: '省发改委', lead_name: '张伟', lead_title: '处长', lead_rank: '县处级正职', guest_count: 5, arrive_date: '2026-11-25', depart_date: '2026-11-25', kind: '公务' } as ReceptionRequest })
    .returning();
  const [task] = await db.insert(tasks).values({ receptionId: r.id, title: '预订定点饭店标准间', template: 't', owner: 'ou_office2', dueAt: due }).returning();
  return { code: r.code, task };
}

/** As a transaction that changed the task's owner or deadline does: a new period and its jobs. */
const reschedule = (db: Db, task: Pick<Task, 'id'>, now: Date) => db.transaction((tx) => scheduleTaskJobs({ ...services, tx, now, enqueue: async () => '' } as never, [task]));

const sent = async (tag: string) => (await tdb.current.main.db.select().from(outbox).where(sql`${outbox.payload}::text like ${`%${tag}%`}`)).map((r) => r.target);

describe('task reminders', () => {
  it('reminds A again when a task comes back to A after B held it past the reminder time', async () => {
    const db = tdb.current.main.db;
    const { code, task } = await openTask(db);
    await reschedule(db, task, t0);
    let n = 0;
    const handTo = (to: string, now: Date) =>
      db.transaction(async (tx) => {
        const ev: CardActionEvent = { type: 'card_action', source: 'feishu', eventId: `e${++n}`, operatorId: 'ou_office1', messageId: 'om_checklist', value: { action: 'task.assign', code, task: task.id }, option: to };
        expect((await onTaskAssign(ev, createHandlerContext(services, tx, ev, now, services.log))).toast?.type).toBe('success');
      });
    const scheduler = createScheduler({ db, log: services.log, bodies: planJobs(services.org, services.policy, 'Asia/Shanghai') });

    await handTo('ou_staff2', new Date(t0.getTime() + 1 * H)); // A → B
    await scheduler.tick(new Date(t0.getTime() + 25 * H)); // B is reminded; A's job runs and says nothing
    expect(await sent('任务提醒')).toEqual(['user:ou_staff2']);
    await handTo('ou_office2', new Date(t0.getTime() + 26 * H)); // B → A
    await scheduler.tick(new Date(t0.getTime() + 27 * H));
    expect((await sent('任务提醒')).sort()).toEqual(['user:ou_office2', 'user:ou_staff2']);

    await scheduler.tick(new Date(due.getTime() + 60_000));
    expect(await sent('任务逾期')).toEqual(['user:ou_office2']);
    expect(await db.select().from(jobs).where(eq(jobs.status, 'pending'))).toEqual([]);
  });

  it('reminds again when a change moves the deadline away and back after the reminder time', async () => {
    const db = tdb.current.main.db;
    const { task } = await openTask(db);
    await reschedule(db, task, t0);
    const scheduler = createScheduler({ db, log: services.log, bodies: planJobs(services.org, services.policy, 'Asia/Shanghai') });
    const move = async (dueAt: Date, now: Date) => {
      await db.update(tasks).set({ dueAt }).where(eq(tasks.id, task.id));
      await reschedule(db, task, now);
    };

    await move(new Date(due.getTime() + 7 * 24 * H), new Date(t0.getTime() + 1 * H)); // the visit a week later
    await scheduler.tick(new Date(t0.getTime() + 25 * H)); // the first reminder comes due: nothing
    expect(await sent('任务提醒')).toEqual([]);
    await move(due, new Date(t0.getTime() + 26 * H)); // and back
    await scheduler.tick(new Date(t0.getTime() + 27 * H));
    expect(await sent('任务提醒')).toEqual(['user:ou_office2']);
  });

  it('counts a job scheduled before periods were kept as one of the period a task starts in', async () => {
    const db = tdb.current.main.db;
    const { task } = await openTask(db);
    const legacy = (id: Pick<Task, 'id'>, kind: string) => scheduleJob(db, { kind, runAt: new Date(t0.getTime() + 24 * H), payload: { taskId: id.id, owner: 'ou_office2', dueAt: due.toISOString() }, uniqueKey: `${kind}:${id.id}:ou_office2:${due.toISOString()}` });
    await legacy(task, 'task.remind');
    const moved = (await openTask(db)).task;
    await legacy(moved, 'task.remind');
    await reschedule(db, moved, t0); // period 1: the old job is of a period that has ended
    await db.update(jobs).set({ runAt: new Date(t0.getTime() + 25 * H) }).where(and(eq(jobs.kind, 'task.remind'), sql`${jobs.payload}->>'period' = '1'`));

    const scheduler = createScheduler({ db, log: services.log, bodies: planJobs(services.org, services.policy, 'Asia/Shanghai') });
    await scheduler.tick(new Date(t0.getTime() + 24 * H + 60_000));
    expect(await sent('任务提醒')).toHaveLength(1); // the untouched task's old job, not the moved one's
    await scheduler.tick(new Date(t0.getTime() + 25 * H + 60_000));
    expect(await sent('任务提醒')).toHaveLength(2); // the moved task's own job of period 1
  });
});
