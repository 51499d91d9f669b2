import { and, asc, eq, lte, sql } from 'drizzle-orm';
import { hot, setPlaceholder as p } from '../db/hot.js';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Db, Executor, Tx } from '../db/client.js';
import { jobs } from '../db/schema/index.js';
import { errorText } from '../lib/text.js';

/**
 * A job body runs inside the transaction that holds its row locked: whatever it writes
 * (state, outbox rows) commits together with the job being marked done, so a job that
 * two instances race for runs once, and a job interrupted by a crash runs again.
 */
export type JobBody = (tx: Tx, job: { id: number; kind: string; payload: unknown; runAt: Date }, now: Date) => Promise<void>;

export interface NewJob {
  kind: string;
  runAt: Date;
  payload?: unknown;
  /** At most one job per key, ever: the idempotency key of a reminder or a digest. */
  uniqueKey?: string;
}

/** Adds a job in the caller's transaction. Returns false when a job with the same key exists. */
export async function scheduleJob(tx: Executor, job: NewJob): Promise<boolean> {
  const rows = await tx
    .insert(jobs)
    .values({ kind: job.kind, runAt: job.runAt, payload: job.payload ?? {}, uniqueKey: job.uniqueKey })
    .onConflictDoNothing()
    .returning({ id: jobs.id });
  return rows.length > 0;
}

const insertJob = hot('job_insert', (ex) =>
  ex
    .insert(jobs)
    .values({ kind: p('kind'), runAt: p('runAt'), payload: p('payload'), uniqueKey: p('uniqueKey') })
    .onConflictDoNothing()
    .returning({ id: jobs.id }),
);

/** Adds several jobs, those whose key exists already left out; how many were new. The rows go out together (pipelined). */
export async function scheduleJobs(tx: Executor, list: NewJob[]): Promise<number> {
  const rows = await Promise.all(list.map((job) => insertJob(tx, { kind: job.kind, runAt: job.runAt, payload: job.payload ?? {}, uniqueKey: job.uniqueKey ?? null })));
  return rows.reduce((n, r) => n + r.length, 0);
}

export interface SchedulerOptions {
  db: Db;
  log: Logger;
  bodies: Record<string, JobBody>;
  /** Work done on every tick besides due jobs (e.g. recovering unprocessed inbound events). */
  onTick?: (now: Date) => Promise<void>;
  /** Called after a tick ran jobs, so the outbox can deliver what they wrote. */
  afterRun?: () => void;
  cronExpression?: string;
  maxAttempts?: number;
  clock?: () => Date;
}

export interface Scheduler {
  start(): void;
  stop(): Promise<void>;
  /** Runs every due job once. Returns how many ran. */
  tick(now?: Date): Promise<number>;
}

export function createScheduler(opts: SchedulerOptions): Scheduler {
  const { db, log, bodies } = opts;
  const maxAttempts = opts.maxAttempts ?? 5;
  const clock = opts.clock ?? (() => new Date());
  let task: ScheduledTask | undefined;
  let ticking: Promise<number> | undefined;

  /** Claims one due job, runs it, marks it done, all in one transaction. */
  async function runOne(now: Date): Promise<'ran' | 'none'> {
    let claimed: { id: number; kind: string; attempts: number } | undefined;
    try {
      return await db.transaction(async (tx) => {
        const [job] = await tx
          .select()
          .from(jobs)
          .where(and(eq(jobs.status, 'pending'), lte(jobs.runAt, now)))
          .orderBy(asc(jobs.runAt), asc(jobs.id))
          .limit(1)
          .for('update', { skipLocked: true });
        if (!job) return 'none';
        claimed = job;
        const body = bodies[job.kind];
        if (!body) throw new Error(`no body for job kind ${job.kind}`);
        await body(tx, { id: job.id, kind: job.kind, payload: job.payload, runAt: job.runAt }, now);
        await tx.update(jobs).set({ status: 'done', doneAt: now, attempts: sql`${jobs.attempts} + 1` }).where(eq(jobs.id, job.id));
        return 'ran';
      });
    } catch (err) {
      if (!claimed) throw err;
      const attempts = claimed.attempts + 1;
      const give = attempts >= maxAttempts;
      log.error({ err, jobId: claimed.id, kind: claimed.kind, attempts }, give ? 'job failed for good' : 'job failed, will retry');
      // The rollback released the row: another instance may have claimed it since, run it and
      // marked it done (or failed it itself). The failure is recorded only on the job as this run
      // claimed it, still pending with the same attempts; otherwise it would be put back and run twice.
      const [recorded] = await db
        .update(jobs)
        .set({
          attempts,
          lastError: errorText(err),
          status: give ? 'failed' : 'pending',
          runAt: new Date(now.getTime() + 30_000 * attempts),
        })
        .where(and(eq(jobs.id, claimed.id), eq(jobs.status, 'pending'), eq(jobs.attempts, claimed.attempts)))
        .returning({ id: jobs.id });
      if (!recorded) log.warn({ jobId: claimed.id, kind: claimed.kind }, 'another instance has run or failed the job since; its record is left as it is');
      return 'ran';
    }
  }

  async function doTick(now: Date): Promise<number> {
    let n = 0;
    try {
      await opts.onTick?.(now);
      while ((await runOne(now)) === 'ran') n++;
    } catch (err) {
      log.error({ err }, 'scheduler tick failed');
    }
    if (n) opts.afterRun?.();
    return n;
  }

  function tick(now = clock()): Promise<number> {
    if (ticking) return ticking;
    ticking = doTick(now).finally(() => {
      ticking = undefined;
    });
    return ticking;
  }

  return {
    start() {
      task ??= cron.schedule(opts.cronExpression ?? '*/5 * * * * *', () => void tick(), { noOverlap: true });
    },
    async stop() {
      await task?.stop();
      task = undefined;
      await ticking;
    },
    tick,
  };
}
