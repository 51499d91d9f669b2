import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { createDingTalkFormRoutes } from './platforms/dingtalk/form-page.js';
import { tokenKey } from './platforms/dingtalk/tokens.js';
import { startDingTalkTransport } from './platforms/dingtalk/transport.js';
import { createSimulatorRoutes } from './platforms/simulator/routes.js';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import type { Scheduler } from './jobs/scheduler.js';
import { liveOrg } from './org/live-org.js';
import { within } from './lib/within.js';
import { answerJson } from './lib/json-answer.js';
import { watchOrgFile, type OrgReloader } from './approval/org-reload.js';
import { createPlacesRoutes } from './places/places-chat.js';
import { createSettlementExportRoutes } from './settlement/settlement-routes.js';
import { createPlaceCardRoutes } from './plan/place-card-routes.js';
import { loadPlaceCards } from './plan/place-cards.js';
import { createLedgerRoutes } from './statistics/ledger-routes.js';
import { buildReport, loadSettlement, type Loaded } from './settlement/settlement.js';
import { logChecklist, productionChecklist } from './startup.js';
import { openCore } from './core.js';
import { composeWork } from './work.js';
import { startWorkThread, type WorkThread } from './work-thread.js';
import type { Pipeline } from './chat/pipeline.js';
import type { OutboxSender } from './jobs/outbox.js';
import type { DingTalkMessenger } from './platforms/dingtalk/messenger.js';
import type { WebhookHandler } from './platforms/feishu/webhook.js';
import type { Messenger } from './chat/messenger.js';

export { createJobScheduler, openCore, type Core } from './core.js';

export interface App {
  url: string;
  port: number;
  database: Database;
  messenger: Messenger;
  pipeline: Pipeline;
  outbox: OutboxSender;
  scheduler: Scheduler;
  /**
   * The work thread, when the events' own work runs in one (WORK_THREAD; src/work-thread.ts). Then
   * `outbox` and `scheduler` above are never started and `pipeline` only records and answers here:
   * the handlers, the sends and the jobs are the work thread's.
   */
  workThread?: WorkThread;
  /**
   * Graceful shutdown: stop taking events (the port is closed, a request still arriving on an open
   * connection is answered 503, the long connection is closed), finish the requests and handlers in
   * flight, deliver the outbox rows that fall due, stop the scheduler and the sender, close the
   * database. Every wait is bounded: the whole takes at most about `timeoutMs` (default 10 s); what
   * is left stays in the database for another instance, or for this one after a restart.
   */
  close(opts?: { timeoutMs?: number }): Promise<void>;
  reloadOrg: OrgReloader['reload']; // reads the org file again, as on its change or SIGHUP
}

export interface AppOptions {
  log: Logger;
  clock?: () => Date;
  /** Tests turn the timers off and drive the outbox and scheduler themselves. */
  background?: boolean;
  outboxPollMs?: number;
  /** Listen on this host (default: config.host, from HOST; 127.0.0.1 for the simulator). */
  host?: string;
  /** DingTalk Stream: the first reconnect delay (tests shorten it). */
  dingtalkMinBackoffMs?: number;
  /**
   * A database already opened for this app, instead of the one the config names (tests hand in an
   * embedded database loaded from a migrated template). It is still migrated, and closed with the app.
   */
  database?: Database;
}

/** Composition: config → org and policy → database and migrations → messenger → pipeline → HTTP and timers. */
export async function startApp(loaded: Config, opts: AppOptions): Promise<App> {
  const { log } = opts;
  // WORK_THREAD (on by default with PostgreSQL): the events' own work runs in a thread of its own
  // (src/work-thread.ts), and this thread only records, answers and handles the card actions answered
  // in their request. Tests that drive the clock or the timers themselves keep everything here.
  const threaded = loaded.workThread && Boolean(loaded.databaseUrl) && opts.background !== false && !opts.clock && !opts.database;
  const { config, org: loadedOrg, policy, database, messenger, simulator, uploads } = await openCore(loaded, log, opts.clock, opts.database, threaded ? { sendsMessages: false } : undefined);
  const { db } = database;
  const live = liveOrg(loadedOrg); // every part holds `org`, which reads the org file as last (re)loaded
  const org = live.org;

  const thread = threaded ? startWorkThread(config, log) : undefined;
  // In that case the sender and the scheduler made here are never started: the work thread runs its own.
  const { pipeline, outbox, scheduler, kick } = composeWork({ config, org, policy, database, messenger, log, clock: opts.clock, outboxPollMs: opts.outboxPollMs, kick: thread?.kick, handOff: thread?.handOff });
  const orgReloader = watchOrgFile({ file: config.orgFile, live, db, policy, config, log: log.child({ component: 'org' }), clock: opts.clock, afterCommit: kick, watch: opts.background !== false, onReloaded: thread?.orgReloaded });
  if (thread && !(await within(thread.ready, 30_000))) {
    await thread.close(1_000);
    throw new Error('the work thread did not start within 30 s (see the log above)');
  }

  const app = express();
  app.disable('x-powered-by');
  // No ETag on the JSON answers: nothing here is cached, and the hash cost a digest per event.
  app.set('etag', false);
  // Once shutdown begins, nothing new is taken: a request arriving on a connection that was already
  // open (a proxy's keep-alive) is answered 503 and the connection closed, so a load balancer retries
  // it on another instance and takes this one out of rotation (/healthz answers 503 too).
  // (The check is in the server's handler below, before the webhook and express.)
  let stopping = false;
  app.get('/healthz', async (_req, res) => {
    const ok = await database.ping();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'database unavailable' });
  });
  let ws: { close(): void; idle?(): Promise<void> } | undefined;
  // Feishu's webhook answers before express (platforms/feishu/webhook.ts): it is the hot path.
  let webhook: WebhookHandler | undefined;
  if (config.dingtalk) {
    // DingTalk: Stream mode (no public URL needed for events), plus the short H5 page for card forms.
    const key = tokenKey(config.links.secret);
    const dlog = log.child({ component: 'dingtalk' });
    const api = (messenger as DingTalkMessenger).api;
    const corpId = config.dingtalk.corpId;
    app.use(
      createDingTalkFormRoutes({ pipeline, org, tokenKey: key, log: dlog, clock: opts.clock, signIn: corpId ? { corpId, identify: (code) => api.identify(code) } : undefined }),
    );
    ws = startDingTalkTransport({ ...config.dingtalk, tokenKey: key, pipeline, db, afterCommit: kick, log: dlog, minBackoffMs: opts.dingtalkMinBackoffMs });
  }
  if (config.feishu?.mode === 'webhook') {
    const { createFeishuWebhook } = await import('./platforms/feishu/webhook.js');
    webhook = createFeishuWebhook({ encryptKey: config.feishu.encryptKey!, verificationToken: config.feishu.verificationToken, pipeline, log: log.child({ component: 'webhook' }), clock: opts.clock, answering: thread?.answering });
  } else if (config.feishu) {
    const { startLongConnection } = await import('./platforms/feishu/long-connection.js');
    ws = startLongConnection({ appId: config.feishu.appId, appSecret: config.feishu.appSecret, baseUrl: config.feishu.baseUrl, pipeline, log: log.child({ component: 'ws' }) });
  } else if (!config.dingtalk) {
    app.use(createSimulatorRoutes({ db, org, messenger: simulator!, pipeline, uploads: uploads! }));
  }
  // The settled reception's spreadsheet and printable list, behind signed links that expire.
  app.use(
    createSettlementExportRoutes({
      secret: config.links.secret,
      timeZone: config.timeZone,
      clock: opts.clock,
      load: async (code) => {
        const got = await loadSettlement(db, code);
        return got?.s?.state === 'settled' ? buildReport(db, org, got as Loaded) : undefined;
      },
    }),
  );
  // The reception's printable 座次表、席卡 and 手边单, behind signed links that expire (the handbook hands them out).
  app.use(
    createPlaceCardRoutes({
      secret: config.links.secret,
      clock: opts.clock,
      load: (code) => loadPlaceCards({ tx: db, org, policy, config, now: (opts.clock ?? (() => new Date()))() }, code),
    }),
  );
  // The ledger template (接待台账模板) the 导入台账 reply links to.
  app.use(createLedgerRoutes(), createPlacesRoutes());
  app.use((_req, res) => res.status(404).json({ error: 'not found' }));
  // Body-parser errors (oversized, bad encoding) and anything else: a short JSON answer, never a stack.
  app.use((err: { status?: number; type?: string; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status >= 500) log.error({ err }, 'request failed');
    else log.warn({ status, type: err.type }, 'request refused');
    res.status(status).json({ error: status === 413 ? 'body too large' : status < 500 ? 'bad request' : 'internal error' });
  });

  const server = http.createServer((req, res) => {
    if (stopping) {
      res.setHeader('connection', 'close');
      return answerJson(res, 503, { error: 'shutting down' });
    }
    if (webhook) webhook(req, res, () => void app(req, res));
    else void app(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, opts.host ?? config.host, () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;

  if (opts.background !== false && !thread) {
    outbox.start();
    scheduler.start();
  }
  const guarded = database.kind !== 'postgres' || postgresGuarded();
  if (!guarded) {
    log.error('node_modules/postgres is not patched (scripts/patch-postgres.mjs did not run: npm ci --ignore-scripts?): a database outage under a transaction can stop this process');
  }
  log.info({ port, host: address, workThread: Boolean(thread), mode: config.feishu ? `feishu-${config.feishu.mode}` : config.dingtalk ? 'dingtalk-stream' : 'simulator', database: database.kind }, 'jiedai started');
  logChecklist(log, productionChecklist(config, { database: database.kind, host: address, port, postgresGuarded: guarded }));
  if (simulator) log.warn({ host: address, port }, `local simulator, not for production: open http://${address.includes(':') ? `[${address}]` : address}:${port}/ (listening on ${address} only${address === '127.0.0.1' ? '; set HOST to change' : ''})`);

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    database,
    messenger,
    pipeline,
    outbox,
    scheduler,
    workThread: thread,
    reloadOrg: () => orgReloader.reload(),
    close(closeOpts = {}) {
      closing ??= (async () => {
        const started = Date.now();
        const deadline = started + (closeOpts.timeoutMs ?? 10_000);
        const left = (cap: number) => Math.max(0, Math.min(cap, deadline - Date.now()));
        const slog = log.child({ component: 'shutdown' });

        // 1. Stop taking events; let the requests in flight answer (a card action is answered in its request).
        stopping = true;
        orgReloader.stop();
        ws?.close();
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        // A keep-alive connection becomes idle once its answer is written; close each as it does.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.closeIdleConnections();
        const requestsDone = await within(serverClosed, left(3_000));
        clearInterval(sweep);
        if (!requestsDone) server.closeAllConnections();

        let handled: boolean, senderStopped: boolean;
        if (thread) {
          // 2–4 in the work thread, in the same order; the long connection's acknowledgements finish here.
          const wsDone = within(Promise.resolve(ws?.idle?.()), left(5_000));
          ({ handled, senderStopped } = await thread.close(left(10_000)));
          handled = handled && (await wsDone);
        } else {
          // 2. No new jobs; the tick in progress finishes (its transaction commits or rolls back).
          await within(scheduler.stop(), left(3_000));

          // 3. Handlers of events already acknowledged. Any not started stay 'received' in the database
          //    and are recovered by another instance (or this one after a restart).
          handled = await within(Promise.all([pipeline.idle(), ws?.idle?.()]), left(5_000));

          // 4. Deliver what the handlers queued and whatever else falls due in the time left.
          await outbox.drain(left(5_000)).catch((err: unknown) => slog.warn({ err }, 'outbox drain failed'));
          senderStopped = await within(outbox.stop(), left(2_000));
        }

        // 5. Nothing is using the database any more (or the time is up): close it.
        await within(database.close(), Math.max(1_000, left(2_000)));
        slog.info({ ms: Date.now() - started, requestsDone, handled, senderStopped }, 'jiedai stopped');
      })();
      return closing;
    },
  };
}

/** Whether scripts/patch-postgres.mjs guarded the postgres.js this process loads (see the README). */
function postgresGuarded(): boolean {
  try {
    const dir = path.dirname(createRequire(import.meta.url).resolve('postgres'));
    return fs.readFileSync(path.join(dir, 'connection.js'), 'utf8').includes('/* jiedai: guarded */');
  } catch {
    return false;
  }
}
