import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { Db, Executor } from '../db/client.js';
import { hot, setPlaceholder as p } from '../db/hot.js';
import { inboundEvents } from '../db/schema/index.js';
import { enqueue } from './outbox.js';
import { inFlight } from '../lib/in-flight.js';
import { errorText } from '../lib/text.js';
import { createHandlerContext, type Services } from './context.js';
import { createEventRecorder } from './record-events.js';
import type { BotEvent, CardActionEvent, CardActionResult } from './event.js';
import type { Router } from './router.js';


// The statements every event runs, built once (src/db/hot.ts).
const claimEvent = hot('inbound_claim', (ex) =>
  ex
    .select()
    .from(inboundEvents)
    .where(and(eq(inboundEvents.id, sql.placeholder('id')), eq(inboundEvents.status, 'received')))
    .for('update', { skipLocked: true }),
);
const markDone = hot('inbound_done', (ex) =>
  ex
    .update(inboundEvents)
    .set({ status: 'done', processedAt: p('processedAt'), attempts: sql`${inboundEvents.attempts} + 1` })
    .where(eq(inboundEvents.id, sql.placeholder('id'))),
);
/**
 * A card action, recorded as done in the transaction that handles it. An event id seen before is a
 * duplicate (no row comes back), unless that earlier delivery failed: a failed action changed
 * nothing, so the same event delivered again is handled afresh (its row taken over).
 */
const recordAction = hot('inbound_action', (ex) =>
  ex
    .insert(inboundEvents)
    .values({ source: p('source'), eventId: p('eventId'), messageId: p('messageId'), kind: p('kind'), payload: p('payload'), receivedAt: p('receivedAt'), status: 'done', processedAt: p('processedAt'), attempts: 1 })
    .onConflictDoUpdate({
      target: [inboundEvents.source, inboundEvents.eventId],
      set: { status: 'done', processedAt: p('processedAt'), attempts: sql`${inboundEvents.attempts} + 1`, lastError: null },
      setWhere: eq(inboundEvents.status, 'failed'),
    })
    .returning({ id: inboundEvents.id }),
);

export interface Pipeline {
  /**
   * Records a message event under its unique keys and returns at once; processing happens after.
   * 'duplicate' means the event id or message id was seen before: nothing more happens.
   */
  accept(event: BotEvent): Promise<'accepted' | 'duplicate'>;
  /**
   * Card actions are answered synchronously (Feishu waits up to 3 s for the toast and card).
   * `answer`, for a messenger that answers through the outbox (DingTalk), writes the answer exactly
   * once: in the action's own transaction, committing with the state change, or, when the action
   * failed (its commit included), the error toast afterwards. A duplicate is not answered.
   */
  act(event: CardActionEvent, answer?: (tx: Executor, result: CardActionResult) => Promise<void>): Promise<CardActionResult>;
  /** Picks up events recorded but not processed (the process died between ack and work). */
  recover(now: Date, olderThanMs?: number): Promise<number>;
  /** Queues a recorded event for its handler here (the work thread takes the ids the answering thread records). */
  take(id: number): void;
  /** Resolves when every event accepted so far has been processed (shutdown, tests). */
  idle(): Promise<void>;
}

export interface PipelineOptions extends Services {
  db: Db;
  router: Router;
  /** Called after a transaction that may have written outbox rows commits. */
  afterCommit: () => void;
  clock?: () => Date;
  maxAttempts?: number;
  /** How many accepted events are handled at once. */
  concurrency?: number;
  /**
   * Where a recorded event's id goes to be handled, when not in this thread: the work thread
   * (src/work-thread.ts), so the thread that answers Feishu does none of the events' own work.
   */
  handOff?: (id: number) => void;
  /**
   * Answers first (the work thread): while `busy()` says the answering thread has requests in
   * flight, no handler starts, until an event has waited `maxWaitMs`; the events wait in the
   * database, and are handled as soon as the answers have gone out.
   */
  yieldTo?: { busy: () => boolean; maxWaitMs: number };
}

/** Thrown inside a card action's transaction to roll back a duplicate's work. */
const DUPLICATE = new Error('duplicate card action');

const FAILED_REPLY = '系统处理您的消息时出现异常，已记录。请稍后重试，或联系接待办。';

export function createPipeline(opts: PipelineOptions): Pipeline {
  const { db, router, log } = opts;
  const clock = opts.clock ?? (() => new Date());
  const maxAttempts = opts.maxAttempts ?? 3;
  const concurrency = opts.concurrency ?? 2;
  const work = inFlight();

  const recordEvent = createEventRecorder(db);
  const record = (event: BotEvent) =>
    recordEvent({ source: event.source, eventId: event.eventId, messageId: event.type === 'message' ? event.messageId : null, kind: event.type, payload: event, receivedAt: clock() });

  /** Runs the handler for one recorded event in one transaction that also marks it done. */
  async function processRow(id: number): Promise<CardActionResult | undefined> {
    const now = clock();
    let event: BotEvent | undefined;
    try {
      return await db.transaction(async (tx) => {
        const [row] = await claimEvent(tx, { id });
        if (!row) return undefined; // done already, or another instance holds it
        event = row.payload as BotEvent;
        const elog = log.child({ eventId: event.eventId, kind: event.type });
        const ctx = createHandlerContext(opts, tx, event, now, elog);
        const result = event.type === 'message' ? (await router.onMessage(event, ctx), undefined) : await router.onAction(event, ctx);
        await markDone(tx, { id, processedAt: now });
        return result;
      });
    } catch (err) {
      await noteFailure(id, event, err);
      throw err;
    } finally {
      opts.afterCommit();
    }
  }

  async function noteFailure(id: number, event: BotEvent | undefined, err: unknown) {
    log.error({ err, eventId: event?.eventId, inboundId: id }, 'event handler failed');
    try {
      await db.transaction(async (tx) => {
        const [row] = await tx
          .update(inboundEvents)
          .set({ attempts: sql`${inboundEvents.attempts} + 1`, lastError: errorText(err) })
          .where(eq(inboundEvents.id, id))
          .returning();
        // A card action is not re-delivered (the person taps again), so it is failed at once.
        if (row && row.status === 'received' && (row.attempts >= maxAttempts || row.kind === 'card_action')) {
          await tx.update(inboundEvents).set({ status: 'failed' }).where(eq(inboundEvents.id, id));
          const e = row.payload as BotEvent;
          if (e.type === 'message') {
            await enqueue(tx, { op: 'send', to: { type: 'chat', id: e.chatId }, message: { kind: 'text', text: FAILED_REPLY } });
          }
        }
      });
    } catch (e2) {
      log.error({ err: e2, inboundId: id }, 'could not record handler failure');
    }
  }

  /**
   * Accepted events wait here and are handled a few at a time, so a burst of events cannot starve
   * the acknowledgements of CPU and connections. The queue only orders work already recorded in
   * the database: if the process dies, recovery picks the rows up.
   */
  const queue: { id: number; at: number }[] = [];
  let active = 0;
  let retry: NodeJS.Timeout | undefined;
  let draining = false;
  /** Whether a handler may start now: always, unless the answers come first (yieldTo). */
  function mayStart(): boolean {
    const y = opts.yieldTo;
    if (!y || draining || !y.busy()) return true;
    return Date.now() - queue[0]!.at >= y.maxWaitMs;
  }
  function pump() {
    while (active < concurrency && queue.length) {
      if (!mayStart()) {
        retry ??= setTimeout(() => {
          retry = undefined;
          pump();
        }, 1);
        return;
      }
      const { id } = queue.shift()!;
      active++;
      work.track(
        processRow(id).finally(() => {
          active--;
          pump();
        }),
      );
    }
  }

  function take(id: number) {
    queue.push({ id, at: Date.now() });
    pump();
  }

  return {
    async accept(event) {
      const id = await record(event);
      if (id === undefined) {
        log.info({ eventId: event.eventId, messageId: event.type === 'message' ? event.messageId : undefined }, 'duplicate event ignored');
        return 'duplicate';
      }
      if (opts.handOff) opts.handOff(id);
      else take(id);
      return 'accepted';
    },

    take,

    async act(event, answer) {
      // A card action is answered in the request, so it is recorded, handled and marked done in one
      // transaction (one commit): a duplicate event id waits on the unique key, then finds it taken.
      // The event's row and the handler's first statements go to the database together (pipelined,
      // one round trip fewer); when the row says duplicate, whatever the handler did is rolled back.
      const now = clock();
      const values = { source: event.source, eventId: event.eventId, messageId: null, kind: event.type, payload: event, receivedAt: now };
      const elog = log.child({ eventId: event.eventId, kind: event.type });
      try {
        return await db.transaction(async (tx) => {
          const [recorded, handled] = await Promise.allSettled([recordAction(tx, { ...values, processedAt: now }), router.onAction(event, createHandlerContext(opts, tx, event, now, elog))]);
          if (recorded.status === 'rejected') throw recorded.reason;
          // A duplicate is answered with nothing, whatever its handler made of it.
          if (!recorded.value.length) throw DUPLICATE;
          if (handled.status === 'rejected') throw handled.reason;
          if (answer) await answer(tx, handled.value);
          return handled.value;
        });
      } catch (err) {
        if (err === DUPLICATE) {
          elog.info('duplicate card action ignored');
          return {};
        }
        elog.error({ err }, 'card action failed');
        await db
          .insert(inboundEvents)
          .values({ ...values, status: 'failed', attempts: 1, lastError: errorText(err) })
          .onConflictDoNothing()
          .catch(() => undefined);
        const failed: CardActionResult = { toast: { type: 'error', content: '操作未能完成，请稍后重试。' } };
        // Nothing committed, the answer written in the transaction included: it is written now.
        if (answer) await answer(db, failed).catch((e: unknown) => elog.error({ err: e }, 'card action: could not answer the failure'));
        return failed;
      } finally {
        opts.afterCommit();
      }
    },

    async recover(now, olderThanMs = 15_000) {
      const stale = await db
        .select({ id: inboundEvents.id })
        .from(inboundEvents)
        .where(and(eq(inboundEvents.status, 'received'), eq(inboundEvents.kind, 'message'), lte(inboundEvents.receivedAt, new Date(now.getTime() - olderThanMs))))
        .orderBy(asc(inboundEvents.id))
        .limit(50);
      for (const { id } of stale) await processRow(id).catch(() => undefined);
      return stale.length;
    },

    async idle() {
      // Whatever is queued starts now (shutdown, tests), answers in flight or not.
      draining = true;
      try {
        pump();
        while (work.size || queue.length) await work.idle();
      } finally {
        draining = false;
      }
    },
  };
}
