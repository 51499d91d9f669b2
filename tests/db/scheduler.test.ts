import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { jobs, outbox } from '../../src/db/schema/index.js';
import { enqueue } from '../../src/chat/outbox.js';
import { createScheduler, scheduleJob, type JobBody } from '../../src/jobs/scheduler.js';
import { silentLog, useTestDatabase } from './use-test-database.js';

const tdb = useTestDatabase([jobs, outbox]);
const log = silentLog;

const now = new Date('2026-11-23T00:30:00Z'); // 08:30 in Asia/Shanghai

/** A reminder job: writes one outbox message per run, so "ran twice" shows as two messages. */
const remind: JobBody = async (tx, job) => {
  const { to } = job.payload as { to: string };
  await enqueue(tx, { op: 'send', to: { type: 'user', id: to }, message: { kind: 'text', text: '提醒：请按时办理' } });
};

describe('the scheduler', () => {
  it('runs a due job once, passing it the time, and leaves a future one', async () => {
    const seen: Date[] = [];
    await scheduleJob(tdb.current.main.db, { kind: 'probe', runAt: new Date(now.getTime() - 1000) });
    await scheduleJob(tdb.current.main.db, { kind: 'probe', runAt: new Date(now.getTime() + 60_000) });
    const s = createScheduler({ db: tdb.current.main.db, log, bodies: { probe: async (_tx, _job, at) => void seen.push(at) } });
    expect(await s.tick(now)).toBe(1);
    expect(await s.tick(now)).toBe(0);
    expect(seen).toEqual([now]);
  });

  it('keeps one job per unique key, however often it is scheduled', async () => {
    expect(await scheduleJob(tdb.current.main.db, { kind: 'digest', runAt: now, uniqueKey: 'digest:2026-11-23' })).toBe(true);
    expect(await scheduleJob(tdb.current.main.db, { kind: 'digest', runAt: now, uniqueKey: 'digest:2026-11-23' })).toBe(false);
    expect(await tdb.current.main.db.select().from(jobs)).toHaveLength(1);
  });

  it('rolls back what a failing job wrote and tries it again later', async () => {
    let fail = true;
    const body: JobBody = async (tx, job, at) => {
      await remind(tx, job, at);
      if (fail) throw new Error('boom');
    };
    await scheduleJob(tdb.current.main.db, { kind: 'remind', runAt: now, payload: { to: 'ou_1' } });
    const s = createScheduler({ db: tdb.current.main.db, log, bodies: { remind: body } });
    await s.tick(now);
    expect(await tdb.current.main.db.select().from(outbox)).toHaveLength(0);
    const [job] = await tdb.current.main.db.select().from(jobs);
    expect(job).toMatchObject({ status: 'pending', attempts: 1, lastError: 'boom' });
    fail = false;
    await s.tick(new Date(now.getTime() + 60_000));
    expect(await tdb.current.main.db.select().from(outbox)).toHaveLength(1);
    expect((await tdb.current.main.db.select().from(jobs).where(eq(jobs.id, job.id)))[0].status).toBe('done');
  });

  it('does not put back a job another instance finished while this one was failing it', async () => {
    const db = tdb.current.main.db;
    await scheduleJob(db, { kind: 'remind', runAt: now, payload: { to: 'ou_1' }, uniqueKey: 'approval.remind:1' });
    const other = await tdb.current.connect();
    const b = createScheduler({ db: other.db, log, bodies: { remind } });
    // Instance A's run fails (a deadlock, say). Between its rollback, which releases the row, and
    // its recording of the failure, instance B claims the job, runs it and marks it done.
    const failing: JobBody = async (tx, job, at) => {
      await remind(tx, job, at);
      throw new Error('deadlock detected');
    };
    const aDb = new Proxy(db, {
      get(target, prop) {
        if (prop !== 'transaction') return Reflect.get(target, prop, target);
        return async (...args: Parameters<typeof db.transaction>) => {
          try {
            return await target.transaction(...args);
          } catch (err) {
            expect(await b.tick(now)).toBe(1);
            throw err;
          }
        };
      },
    });
    const a = createScheduler({ db: aDb, log, bodies: { remind: failing } });
    await a.tick(now);

    const [job] = await db.select().from(jobs);
    expect(job).toMatchObject({ status: 'done', attempts: 1, lastError: null });
    expect(await b.tick(new Date(now.getTime() + 10 * 60_000))).toBe(0);
    expect(await db.select().from(outbox)).toHaveLength(1);
  });

  it('lets two schedulers race on one database without running any job twice', async () => {
    for (let i = 0; i < 60; i++) await scheduleJob(tdb.current.main.db, { kind: 'remind', runAt: now, payload: { to: `ou_${i}` }, uniqueKey: `r:${i}` });
    const other = await tdb.current.connect();
    let runs = 0;
    const counted: JobBody = async (tx, job, at) => {
      runs++;
      await new Promise((r) => setTimeout(r, 1));
      await remind(tx, job, at);
    };
    const a = createScheduler({ db: tdb.current.main.db, log, bodies: { remind: counted } });
    const b = createScheduler({ db: other.db, log, bodies: { remind: counted } });
    const [ra, rb] = await Promise.all([a.tick(now), b.tick(now)]);
    expect(ra + rb).toBe(60);
    expect(runs).toBe(60);
    const sent = await tdb.current.main.db.select().from(outbox);
    expect(sent).toHaveLength(60);
    expect(new Set(sent.map((r) => r.target)).size).toBe(60);
  });
});
