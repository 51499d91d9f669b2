// The work thread (WORK_THREAD, on by default with PostgreSQL): the events' own work in a worker
// thread of its own, with its own database pools, so the thread that answers Feishu does nothing but
// verify, record and answer (docs/architecture.md "Two threads"; docs/performance.md, issue 23).
//
// The answering thread records each event durably, answers, and posts the event's id here; this
// thread handles it (src/work.ts: the pipeline), delivers the outbox and runs the scheduler, which
// also recovers any recorded event whose id never arrived (the thread restarted, the process died).
// The same module is the worker's entry: started as a worker, it runs the work; imported, it starts one.
import os from 'node:os';
import { isMainThread, parentPort, workerData, type Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { openCore } from './core.js';
import { createLogger } from './log.js';
import { within } from './lib/within.js';
import { startWorkerModule } from './lib/worker-module.js';
import { liveOrg } from './org/live-org.js';
import { loadOrg } from './org/org.js';
import { composeWork } from './work.js';

/** What the answering thread tells the work thread. */
type ToWork = { type: 'events'; ids: number[] } | { type: 'kick' } | { type: 'org' } | { type: 'close'; timeoutMs: number };
/** What the work thread tells the answering thread. */
type FromWork = { type: 'ready' } | { type: 'closed'; handled: boolean; senderStopped: boolean };

/**
 * The work thread's nice value, above the answering thread's 0: when both want a core, the answers
 * come first; the work waits (it is durable in the database) and is done as soon as a core is free.
 * On Linux a thread's nice value is its own (setpriority(2)), so this leaves the answering thread as it is.
 */
const WORK_NICE = 10;
/** The work thread's pools: the handlers run at most two events at once, the sender and scheduler three. */
const WORK_POOL = 4;
/**
 * Answers first: while Feishu's requests to the webhook wait for their answers, no handler starts, until its
 * event has waited this long. A reception office sends a few events a minute; only a flood (a
 * replay, a test, an attack) makes the replies wait, and then by seconds, while every event is
 * answered within Feishu's 3 s and none is sent again.
 */
const MAX_WAIT_MS = 5_000;
/**
 * The work thread's young generation (V8's nursery): small, so an idle instance stays small; the
 * work's short-lived garbage is collected more often, in a thread where it delays no answer.
 */
const WORK_YOUNG_MB = 8;
/** After the work thread stops unexpectedly, how long before it is started again. */
const RESTART_MS = 1_000;

export interface WorkThread {
  /** Hands a recorded event's id to the work thread; if none is running, recovery picks it up. */
  handOff(id: number): void;
  /** Tells the work thread's outbox that rows may be waiting. */
  kick(): void;
  /** Tells the work thread to read the org file again (the answering thread has reloaded it). */
  orgReloaded(): void;
  /** Counts a request to Feishu's webhook as in flight until its answer is written (the work yields to it). */
  answering(res: { once(event: 'close', listener: () => void): unknown }): void;
  /** Resolves once the work thread has started (its database and messenger open). */
  ready: Promise<void>;
  /** The running work thread's id (process-wide), or undefined while it is being started again. */
  readonly threadId: number | undefined;
  /** Ends the work thread at once, as a crash would (tests): it is started again after RESTART_MS. */
  crash(): Promise<void>;
  /** Graceful stop: no new jobs, the handlers in flight finish, the outbox is drained, the pools closed. */
  close(timeoutMs: number): Promise<{ handled: boolean; senderStopped: boolean }>;
}

export function startWorkThread(config: Config, log: Logger): WorkThread {
  const wlog = log.child({ component: 'work-thread' });
  let worker: Worker | undefined;
  let closing = false;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let onClosed: ((m: Extract<FromWork, { type: 'closed' }>) => void) | undefined;

  const post = (m: ToWork) => worker?.postMessage(m);
  // The ids recorded together (one batch insert answers many requests at once) go in one message.
  let ids: number[] = [];
  const postIds = () => {
    post({ type: 'events', ids });
    ids = [];
  };
  // Requests in flight in the answering thread, read by the work thread (one shared counter).
  const inFlight = new Int32Array(new SharedArrayBuffer(4));
  const start = () => {
    const w = spawn(config, inFlight);
    worker = w;
    w.on('message', (m: FromWork) => {
      if (m.type === 'ready') markReady();
      else if (m.type === 'closed') onClosed?.(m);
    });
    w.on('error', (err) => wlog.error({ err }, 'work thread failed'));
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      if (closing) return;
      // The events it held are still 'received' in the database: the next thread's recovery takes them.
      wlog.error({ code }, `work thread stopped (exit ${code}); starting it again in ${RESTART_MS} ms`);
      setTimeout(() => !closing && start(), RESTART_MS).unref();
    });
  };
  start();

  return {
    handOff(id) {
      if (ids.push(id) === 1) queueMicrotask(postIds);
    },
    kick: () => post({ type: 'kick' }),
    orgReloaded: () => post({ type: 'org' }),
    answering(res) {
      Atomics.add(inFlight, 0, 1);
      res.once('close', () => Atomics.sub(inFlight, 0, 1));
    },
    ready,
    get threadId() {
      return worker?.threadId;
    },
    async crash() {
      await worker?.terminate();
    },
    async close(timeoutMs) {
      closing = true;
      const w = worker;
      if (!w) return { handled: false, senderStopped: false };
      const closed = new Promise<Extract<FromWork, { type: 'closed' }>>((resolve) => (onClosed = resolve));
      w.postMessage({ type: 'close', timeoutMs } satisfies ToWork);
      const done = await within(closed, timeoutMs + 1_000);
      await w.terminate();
      return done ? await closed : { handled: false, senderStopped: false };
    },
  };
}

/** This module as a worker (src/lib/worker-module.ts). */
const spawn = (config: Config, inFlight: Int32Array) =>
  startWorkerModule(import.meta.url, { workerData: { workThread: config, inFlight }, resourceLimits: { maxYoungGenerationSizeMb: WORK_YOUNG_MB } });

/** The worker's side: open the core, compose the work, start the sender and the scheduler, take ids. */
async function runWork(config: Config, inFlight: Int32Array): Promise<void> {
  const port = parentPort!;
  const log = createLogger(config.logLevel).child({ thread: 'work' });
  try {
    os.setPriority(0, WORK_NICE);
  } catch (err) {
    log.warn({ err }, 'work thread: could not lower its priority');
  }
  const core = await openCore(config, log, undefined, undefined, { migrated: true, poolMax: WORK_POOL, sendsMessages: true });
  const live = liveOrg(core.org);
  const work = composeWork({ ...core, org: live.org, log, yieldTo: { busy: () => Atomics.load(inFlight, 0) > 0, maxWaitMs: MAX_WAIT_MS } });
  port.on('message', (m: ToWork) => {
    if (m.type === 'events') m.ids.forEach((id) => work.pipeline.take(id));
    else if (m.type === 'kick') work.outbox.kick();
    else if (m.type === 'org') {
      try {
        live.swap(loadOrg(config.orgFile));
      } catch (err) {
        // The answering thread checked this file and reports a refusal; a file changed again since is read on the next reload.
        log.warn({ err }, 'work thread: the org file could not be read again; the previous org stays');
      }
    } else if (m.type === 'close') void closeWork(m.timeoutMs);
  });
  work.outbox.start();
  work.scheduler.start();
  port.postMessage({ type: 'ready' } satisfies FromWork);

  async function closeWork(timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    const left = (cap: number) => Math.max(0, Math.min(cap, deadline - Date.now()));
    await within(work.scheduler.stop(), left(3_000));
    const handled = await within(work.pipeline.idle(), left(5_000));
    await work.outbox.drain(left(5_000)).catch((err: unknown) => log.warn({ err }, 'outbox drain failed'));
    const senderStopped = await within(work.outbox.stop(), left(2_000));
    await within(core.database.close(), Math.max(1_000, left(2_000)));
    port.postMessage({ type: 'closed', handled, senderStopped } satisfies FromWork);
  }
}

if (!isMainThread && parentPort && (workerData as { workThread?: Config } | null)?.workThread) {
  const data = workerData as { workThread: Config; inFlight: Int32Array };
  // A failure to start is thrown out of the worker: its 'exit' tells the answering thread, which starts another.
  void runWork(data.workThread, data.inFlight);
}
