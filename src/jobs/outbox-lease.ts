// The outbox's leases: which sender holds which row, and every write a sender makes about a row it
// holds. Claims take turns across instances; after a claim, a write changes a row only while the
// row is still leased to the sender that writes it.
import { and, asc, eq, inArray, isNotNull, isNull, lte, or, sql, type Placeholder } from 'drizzle-orm';
import { hot, setPlaceholder as p } from '../db/hot.js';
import type { Db } from '../db/client.js';
import { outbox } from '../db/schema/index.js';
import { errorText } from '../lib/text.js';

export type OutboxRow = typeof outbox.$inferSelect;

/**
 * The advisory lock (transaction-scoped) that makes outbox claims take turns across instances: the
 * two-key form, whose key space is apart from the one-key locks taken elsewhere (hashtext keys).
 */
export const CLAIM_LOCK = [0x6a64, 1] as const; // "jd", outbox claims

/**
 * Rows still leased to `owner` (a sender's name, or a placeholder for it in a kept statement). Every
 * write a sender makes after claiming (marks, releases, renewals) changes only these: one that comes
 * late (a database outage outlasted the lease, and another sender took the row over) changes nothing.
 */
const stillOurs = (owner: string | Placeholder) => and(eq(outbox.status, 'pending'), eq(outbox.lockedBy, owner as string), isNotNull(outbox.lockedUntil));
const setSent = hot('outbox_sent', (ex) =>
  ex
    .update(outbox)
    .set({ status: 'sent', result: p('result'), sentAt: p('sentAt'), lockedUntil: null, lastError: null })
    .where(and(eq(outbox.id, sql.placeholder('id')), stillOurs(sql.placeholder('owner'))))
    .returning({ id: outbox.id }),
);

/** What a failed delivery means: give up, or try again after `backoff` ms; `waiting` for another row is not an attempt. */
export interface Verdict {
  give: boolean;
  waiting: boolean;
  backoff: number;
  message: string;
}

export interface LeaseOptions {
  db: Db;
  /** The sender's name on the rows it leases. */
  owner: string;
  batchSize: number;
  leaseMs: number;
  clock: () => Date;
}

export interface OutboxLease {
  /** Leases the due rows (oldest first, in order per target) to this sender, each attempt counted. */
  claim(): Promise<OutboxRow[]>;
  /** Records a delivery; false when the row had passed to another sender meanwhile. */
  markSent(row: OutboxRow, result: unknown): Promise<boolean>;
  /** Records a failed attempt (idempotent); false when the row had passed to another sender meanwhile. */
  markFailed(row: OutboxRow, v: Verdict): Promise<boolean>;
  /** Hands rows back unattempted, due after `backoff` ms (their claim does not count as an attempt). */
  release(ids: string[], backoff: number): Promise<void>;
  /** Extends the lease of rows this sender still holds. */
  renew(ids: string[]): Promise<void>;
}

export function createOutboxLease({ db, owner, batchSize, leaseMs, clock }: LeaseOptions): OutboxLease {
  return {
    async claim() {
      const now = clock();
      const at = now.toISOString();
      return db.transaction(async (tx) => {
        // One claim at a time across instances: the order check below reads older rows as they were
        // when it started, so a row another sender has locked but not yet leased (its claim not yet
        // committed) would look free, be skipped, and the newer row behind it go first.
        await tx.execute(sql`select pg_advisory_xact_lock(${CLAIM_LOCK[0]}::int, ${CLAIM_LOCK[1]}::int)`);
        const due = await tx
          .select({ id: outbox.id })
          .from(outbox)
          .where(
            and(
              eq(outbox.status, 'pending'),
              // PostgreSQL's clock has microseconds, JavaScript's milliseconds: a row written within
              // this millisecond is due (it was not, and waited for the next poll).
              lte(outbox.nextAttemptAt, new Date(now.getTime() + 1)),
              or(isNull(outbox.lockedUntil), lte(outbox.lockedUntil, now), eq(outbox.lockedBy, owner)),
              // In order per target: nothing goes while an older row to the same target is backing off or in another sender's hands.
              sql`not exists (select 1 from outbox o2 where o2.target = ${outbox.target} and o2.status = 'pending' and o2.seq < ${outbox.seq} and (o2.next_attempt_at > ${at}::timestamptz or (o2.locked_until > ${at}::timestamptz and o2.locked_by is distinct from ${owner})))`,
            ),
          )
          .orderBy(asc(outbox.seq))
          .limit(batchSize)
          .for('update', { skipLocked: true });
        if (!due.length) return [];
        const rows = await tx
          .update(outbox)
          .set({ lockedUntil: new Date(now.getTime() + leaseMs), lockedBy: owner, attempts: sql`${outbox.attempts} + 1` })
          .where(inArray(outbox.id, due.map((d) => d.id)))
          .returning();
        return rows.sort((a, b) => a.seq - b.seq);
      });
    },

    async markSent(row, result) {
      const marked = await setSent(db, { id: row.id, result: result ?? {}, sentAt: clock(), owner });
      return marked.length > 0;
    },

    async markFailed(row, v) {
      const marked = await db
        .update(outbox)
        .set({
          status: v.give ? 'failed' : 'pending',
          // An error text PostgreSQL refuses (a NUL) would make this mark fail every time.
          lastError: errorText(v.message),
          // Waiting for another row is not an attempt (absolute, so a write repeated after a lost answer counts once).
          ...(v.waiting ? { attempts: row.attempts - 1 } : {}),
          lockedUntil: null,
          nextAttemptAt: new Date(clock().getTime() + v.backoff),
        })
        .where(and(eq(outbox.id, row.id), stillOurs(owner)))
        .returning({ id: outbox.id });
      return marked.length > 0;
    },

    async release(ids, backoff) {
      await db
        .update(outbox)
        .set({ lockedUntil: null, nextAttemptAt: new Date(clock().getTime() + backoff), attempts: sql`${outbox.attempts} - 1` })
        .where(and(inArray(outbox.id, ids), stillOurs(owner)));
    },

    async renew(ids) {
      await db
        .update(outbox)
        .set({ lockedUntil: new Date(clock().getTime() + leaseMs) })
        .where(and(inArray(outbox.id, ids), stillOurs(owner)));
    },
  };
}
