// The outbox's delivery loop: claims the rows the domain wrote (src/chat/outbox.ts), delivers them
// in order per target under the rate limits, and writes down what happened, through a database
// outage too. The leases are in outbox-lease.ts, what each operation sends in outbox-delivery.ts.
import { randomUUID } from 'node:crypto';
import { and, eq, lte, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { outbox } from '../db/schema/index.js';
import { MessengerError, type Messenger } from '../chat/messenger.js';
import { RateLimiter } from './rate-limiter.js';
import type { FileSpec, OutboxAction } from '../chat/outbox.js';
import { createOutboxLease, type OutboxRow, type Verdict } from './outbox-lease.js';
import { createDelivery, type DeliveryOptions } from './outbox-delivery.js';

export interface OutboxSenderOptions {
  db: Db;
  messenger: Messenger;
  log: Logger;
  limits?: { perApp: number; perTarget: number };
  batchSize?: number;
  /** How long a claimed row stays ours before another sender may take it; renewed while we hold it. */
  leaseMs?: number;
  maxAttempts?: number;
  /** Targets delivered to at once. */
  concurrency?: number;
  pollMs?: number;
  clock?: () => Date;
  /** Stores a downloaded document (fetch_document), in its own transaction; must be idempotent. */
  onDocument?: (db: Db, action: Extract<OutboxAction, { op: 'fetch_document' }>, data: Buffer) => Promise<void>;
  /** Told when the outbox gives up downloading a document, so its row is closed and the sender told. */
  onDocumentLost?: (db: Db, action: Extract<OutboxAction, { op: 'fetch_document' }>) => Promise<void>;
  /** Generates the file a send_file row names, from the database as it is at delivery. */
  renderFile?: (db: Db, spec: FileSpec) => Promise<{ name: string; data: Buffer }>;
  /** Syncs an instance of the approval center (approval_center rows). */
  approvalCenter?: DeliveryOptions['approvalCenter'];
  /** Brings a person's calendar event in line with the reception at delivery (the `calendar` op). */
  syncCalendar?: (db: Db, action: Extract<OutboxAction, { op: 'calendar' }>) => Promise<unknown>;
}

export interface OutboxSender {
  start(): void;
  stop(): Promise<void>;
  /** Deliver now (called after a transaction that enqueued something commits). */
  kick(): void;
  /** One pass: claim due rows and deliver them. Returns how many rows were attempted. */
  runOnce(): Promise<number>;
  /**
   * Run passes until nothing is pending that falls due before the time is up, or the time is up
   * (for shutdown and tests). A row backing off past the deadline is left for later, not waited on.
   */
  drain(timeoutMs?: number): Promise<void>;
}

export function createOutboxSender(opts: OutboxSenderOptions): OutboxSender {
  const { db, log } = opts;
  const batchSize = opts.batchSize ?? 50;
  const leaseMs = opts.leaseMs ?? 20_000;
  const maxAttempts = opts.maxAttempts ?? 12;
  const concurrency = opts.concurrency ?? 8;
  const clock = opts.clock ?? (() => new Date());
  const limiter = new RateLimiter(opts.limits ?? { perApp: 50, perTarget: 5 });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = true;
  /**
   * Until when (epoch ms) a write that failed on a lost connection is tried again: always while the
   * sender runs, until its deadline during a drain, never once stopped (the lease hands the row on).
   */
  let giveUpAt = Infinity;

  /**
   * This sender's name on the rows it leases. Passes never overlap, so at a claim nothing this
   * sender leased is in its hands: a row still leased to it is one whose claim committed while the
   * answer was lost (the database connection dropped), and it takes that row back at once instead
   * of leaving it for the lease to run out.
   */
  const owner = randomUUID();

  const lease = createOutboxLease({ db, owner, batchSize, leaseMs, clock });
  const deliver = createDelivery(opts);

  async function markSent(row: OutboxRow, result: unknown) {
    if (!(await lease.markSent(row, result))) log.warn({ outboxId: row.id, op: row.op }, 'outbox: sent, but the row had passed to another sender meanwhile');
  }

  /** What a failed delivery means: give up, or try again after how long. Logged once, here. */
  function judge(row: OutboxRow, err: unknown): Verdict {
    const me = err instanceof MessengerError ? err : new MessengerError(String((err as Error)?.message ?? err), true);
    const waiting = me.detail.waiting === true;
    const give = !me.retryable || (!waiting && row.attempts >= maxAttempts);
    const backoff = me.detail.retryAfterMs ?? Math.min(60_000, 500 * 2 ** Math.min(row.attempts - 1, 7));
    // Feishu's 429 is per app: hold every send until its reset time.
    if (me.detail.status === 429) limiter.pause('app', backoff);
    log[give ? 'error' : waiting ? 'debug' : 'warn'](
      { outboxId: row.id, op: row.op, target: row.target, attempts: row.attempts, err: me.message, ...me.detail },
      give ? 'outbox: giving up on message' : 'outbox: delivery failed, will retry',
    );
    return { give, waiting, backoff: give ? 0 : backoff, message: me.message };
  }

  /** Writes a failed attempt down (idempotent: the row must still be leased to this sender). */
  async function markFailed(row: OutboxRow, v: Verdict): Promise<void> {
    const marked = await lease.markFailed(row, v);
    // A download that will never come: its document (or ledger import) must not stay 接收中.
    if (marked && v.give && row.op === 'fetch_document' && opts.onDocumentLost) {
      await opts.onDocumentLost(db, row.payload as Extract<OutboxAction, { op: 'fetch_document' }>).catch((e: unknown) => log.error({ err: e, outboxId: row.id }, 'outbox: could not record a lost download'));
    }
  }

  /**
   * Writes down what a delivery did, through a database outage: the message went out (or the
   * attempt failed), and writing that once the database is back beats sending it again. A lost
   * connection is tried again until the write lands, the sender stops, or a drain's time is up; any
   * other error is not (it would fail the same way forever). The writes are idempotent and change a
   * row only while it is still leased to this sender: should the lease run out first and another
   * sender take the row, it sends it again under the same uuid, which Feishu answers with the first
   * message, and this late write changes nothing.
   */
  async function note<T>(write: () => Promise<T>): Promise<T> {
    for (let pause = 250; ; pause = Math.min(pause * 2, 4_000)) {
      try {
        return await write();
      } catch (err) {
        if (!connectionLost(err) || Date.now() + pause > giveUpAt) throw err;
        log.warn({ err, retryInMs: pause }, 'outbox: could not record a delivery, trying again');
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  }

  /** Rows to one target go in order; a failure holds back that target's later rows in this batch. */
  async function deliverTarget(rows: OutboxRow[], inHand: Set<string>) {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      await limiter.take(row.target);
      let result: unknown;
      let failure: { err: unknown } | undefined;
      try {
        result = await deliver(row);
      } catch (err) {
        failure = { err };
      }
      if (!failure) {
        await note(() => markSent(row, result));
        inHand.delete(row.id);
        continue;
      }
      const verdict = judge(row, failure.err);
      await note(() => markFailed(row, verdict));
      const backoff = verdict.backoff;
      inHand.delete(row.id);
      const rest = rows.slice(i + 1).map((r) => r.id);
      if (rest.length) {
        await note(() => lease.release(rest, backoff));
        for (const id of rest) inHand.delete(id);
      }
      return;
    }
  }

  async function pass(): Promise<number> {
    const rows = await lease.claim();
    if (!rows.length) return 0;
    const inHand = new Set(rows.map((r) => r.id));
    const renewal = setInterval(() => {
      // A pass can outlast one lease (rate limits, slow answers): the rows still in hand are renewed.
      if (inHand.size) lease.renew([...inHand]).catch((err: unknown) => log.warn({ err }, 'outbox: could not renew a lease'));
    }, leaseMs / 4);
    renewal.unref?.();
    try {
      const byTarget = new Map<string, OutboxRow[]>();
      for (const r of rows) byTarget.set(r.target, [...(byTarget.get(r.target) ?? []), r]);
      // A few targets at a time: enough to keep the rate limit busy, never a burst of connections.
      const queue = [...byTarget.values()];
      // Every worker finishes before the pass ends (and its leases stop being renewed), even when one fails.
      const workers = await Promise.allSettled(
        Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
          for (let t = queue.shift(); t; t = queue.shift()) await deliverTarget(t, inHand);
        }),
      );
      const failed = workers.find((w) => w.status === 'rejected');
      if (failed) throw failed.reason;
      return rows.length;
    } finally {
      clearInterval(renewal);
    }
  }

  async function loop(): Promise<number> {
    let total = 0;
    do {
      again = false;
      let n: number;
      do {
        n = await pass();
        total += n;
      } while (n >= batchSize);
    } while (again);
    return total;
  }

  function runOnce(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = loop()
      .catch((err) => {
        log.error({ err }, 'outbox: pass failed');
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(async () => {
      await runOnce();
      schedule();
    }, opts.pollMs ?? 1000);
    timer.unref?.();
  }

  async function drainUntil(end: number) {
    while (Date.now() < end) {
      await runOnce();
      const dueBy = new Date(clock().getTime() + Math.max(0, end - Date.now()));
      const [pending] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(outbox)
        .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, dueBy)));
      if (!pending || pending.n === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      giveUpAt = Infinity;
      schedule();
      void runOnce();
    },
    async stop() {
      stopped = true;
      giveUpAt = -Infinity;
      if (timer) clearTimeout(timer);
      await running;
    },
    kick() {
      void runOnce();
    },
    runOnce,
    async drain(timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      const before = giveUpAt;
      giveUpAt = end;
      try {
        await drainUntil(end);
      } finally {
        if (giveUpAt === end) giveUpAt = before; // unless stop() came meanwhile
      }
    },
  };
}

/**
 * A database connection that dropped or could not be made (postgres.js's own codes, the socket's,
 * PostgreSQL's class 08 and its shutdown codes), also when drizzle wraps it: the kind of failure
 * that passes when the database is back.
 */
export function connectionLost(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (/^(CONNECTION_|CONNECT_TIMEOUT)|^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTCONN)$|^08|^57P0[123]$/.test(code)) return true;
  }
  return false;
}
