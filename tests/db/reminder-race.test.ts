// A reminder job that comes due while a person's action on the same reception is being committed:
// the job waits for the action and sends nothing the action made moot. Runs in the PostgreSQL tier
// (DATABASE_URL set): PGlite has one connection, so no action can be held open beside a job.
import postgres from 'postgres';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createHandlerContext } from '../../src/chat/context.js';
import type { CardActionEvent } from '../../src/chat/event.js';
import { createBotRouter } from '../../src/commands/commands.js';
import { createPipeline } from '../../src/chat/pipeline.js';
import type { Tx } from '../../src/db/client.js';
import { approvals, jobs, outbox, receptions, tasks } from '../../src/db/schema/index.js';
import type { ReceptionRequest } from '../../src/rules/checks/read-request.js';
import { createScheduler } from '../../src/jobs/scheduler.js';
import { onApprovalAct } from '../../src/approval/act-on-approval.js';
import { planJobs } from '../../src/plan/plan-jobs.js';
import { scheduleTaskJobs } from '../../src/plan/plan.js';
import { approvalReminderJobs } from '../../src/approval/reminders.js';
import { onTaskDone } from '../../src/plan/task-actions.js';
import { validForm } from '../fixtures/request-form.js';
import { testServices, useTestDatabase } from './use-test-database.js';

const tdb = useTestDatabase();
const services = testServices();
const H = 3_600_000;

let n = 0;
const tap = (operatorId: string, value: Record<string, unknown>): CardActionEvent => ({ type: 'card_action', source: 'feishu', eventId: `race_${++n}`, operatorId, messageId: `om_card_${n}`, value });

/**
 * Runs `act` in a transaction left open while the scheduler (on another pool) runs the due jobs at
 * `at`; the action commits once the job waits for a lock it holds (or, if the job takes none, once
 * the job is over). Returns how many jobs the tick ran.
 */
async function jobDuringAction(at: Date, bodies: Parameters<typeof createScheduler>[0]['bodies'], act: (tx: Tx) => Promise<unknown>): Promise<number> {
  const watch = postgres(tdb.current.url!, { max: 1, onnotice: () => {} });
  const other = await tdb.current.connect();
  const scheduler = createScheduler({ db: other.db, log: services.log, bodies });
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let acted!: () => void;
  const actedYet = new Promise<void>((r) => (acted = r));
  const action = tdb.current.main.db.transaction(async (tx) => {
    await act(tx);
    acted();
    await held;
  });
  try {
    await actedYet;
    let finished = false;
    const ticked = scheduler.tick(at).finally(() => (finished = true));
    // Until the job waits for a lock the action holds (or, reading without one, has already finished).
    const blocked = async () => (await watch`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)[0].n > 0;
    for (let i = 0; !finished && !(await blocked()); i++) {
      if (i > 500) throw new Error('the job neither finished nor waited for the action');
      await new Promise((r) => setTimeout(r, 10));
    }
    release();
    await action;
    return await ticked;
  } finally {
    release();
    await watch.end();
  }
}

const sentLike = (target: string, word: string) => tdb.current.main.db.select().from(outbox).where(and(eq(outbox.target, target), sql`${outbox.payload}::text like ${`%${word}%`}`));

describe.runIf(process.env.DATABASE_URL)('reminders racing a person’s action', () => {
  it('sends no 催办 for a step approved while the reminder waited for its lock', async () => {
    const db = tdb.current.main.db;
    const p = createPipeline({ db, router: createBotRouter(), ...services, afterCommit: () => {} });
    const submitted = await p.act({ ...tap('ou_staff1', { action: 'request.submit' }), formValue: validForm({ working_meal: '否' }) });
    expect(submitted.toast?.type).toBe('success');
    const code = /JD-\d{4}-\d{4}/.exec(submitted.toast!.content)![0];
    const [step] = await db.select().from(approvals).where(and(eq(approvals.step, 1), eq(approvals.status, 'pending')));
    const [remind] = await db.select().from(jobs).where(eq(jobs.kind, 'approval.remind'));
    const at = new Date(remind.runAt.getTime() + 1000);

    const ran = await jobDuringAction(at, approvalReminderJobs(services.org), async (tx) => {
      const event = tap(step.approver, { action: 'approval.act', code, approval: step.id, round: 1, decision: 'approve' });
      const answer = await onApprovalAct(event, createHandlerContext(services, tx, event, at, services.log));
      expect(answer.toast?.content).toBe('已同意');
    });

    expect(ran).toBe(1);
    expect((await db.select().from(jobs).where(eq(jobs.id, remind.id)))[0].status).toBe('done');
    expect(await sentLike(`user:${step.approver}`, '催办')).toHaveLength(0);
  });

  it('sends no 任务提醒 for a task completed while the reminder waited for its lock', async () => {
    const db = tdb.current.main.db;
    const t0 = new Date('2026-11-23T01:00:00Z');
    const [r] = await db
      .insert(receptions)
      .values({ code: 'JD-2026-0098', requester: 'ou_staff1', department: '招商局', state: 'approved', form: { guest_unit: '省发改委', lead_name: '张伟', lead_title: '处长', lead_rank: '县处级正职', guest_count: 5, arrive_date: '2026-11-25', depart_date: '2026-11-25', kind: '公务' } as ReceptionRequest })
      .returning();
    const [task] = await db.insert(tasks).values({ receptionId: r.id, title: '预订定点饭店标准间', template: 't', owner: 'ou_office2', dueAt: new Date(t0.getTime() + 48 * H) }).returning();
    await db.transaction((tx) => scheduleTaskJobs({ ...services, tx, now: t0, enqueue: async () => '' } as never, [task]));
    const at = new Date(t0.getTime() + 25 * H); // past the reminder, before the deadline

    const ran = await jobDuringAction(at, planJobs(services.org, services.policy, 'Asia/Shanghai'), async (tx) => {
      const event = tap('ou_office2', { action: 'task.done', code: r.code, task: task.id });
      const answer = await onTaskDone(event, createHandlerContext(services, tx, event, at, services.log));
      expect(answer.toast?.type).toBe('success');
    });

    expect(ran).toBe(1);
    expect((await db.select().from(tasks).where(eq(tasks.id, task.id)))[0].status).toBe('done');
    expect(await sentLike('user:ou_office2', '任务提醒')).toHaveLength(0);
  });
});
