import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { createBotRouter } from './bot/commands.js';
import { createFeishuMessenger } from './bot/feishu/messenger.js';
import { startLongConnection } from './bot/feishu/long-connection.js';
import { createFeishuWebhook } from './bot/feishu/webhook.js';
import type { Messenger } from './bot/messenger.js';
import { createPipeline, type Pipeline } from './bot/pipeline.js';
import { createSimulatorMessenger, type SimulatorMessenger } from './bot/simulator/messenger.js';
import { createSimulatorRoutes } from './bot/simulator/routes.js';
import type { Config } from './config.js';
import { createDatabase, type Database } from './db/client.js';
import { createOutboxSender, type OutboxSender } from './jobs/outbox.js';
import { createScheduler, type Scheduler } from './jobs/scheduler.js';
import { loadOrg, type Org } from './reception/org.js';
import { approvalReminderJobs } from './reception/reminders.js';
import { buildLedgerWorkbook } from './reception/ledger-export.js';
import { createDocumentStore, onDocumentLost } from './reception/settlement-documents.js';
import { createLedgerFileStore } from './ledger/chat.js';
import { createSettlementExportRoutes } from './reception/settlement-routes.js';
import { createLedgerRoutes } from './ledger/routes.js';
import { buildReport, loadSettlement, type Loaded } from './reception/settlement.js';
import { ensureDailyDigest, planJobs } from './reception/plan-jobs.js';
import { loadPolicy } from './rules/load-policy.js';
import type { Policy } from './rules/policy-schema.js';

export interface App {
  url: string;
  port: number;
  database: Database;
  messenger: Messenger;
  pipeline: Pipeline;
  outbox: OutboxSender;
  scheduler: Scheduler;
  /** Stop taking events, finish in-flight work, flush the outbox, close the database. */
  close(): Promise<void>;
}

export interface AppOptions {
  log: Logger;
  clock?: () => Date;
  /** Tests turn the timers off and drive the outbox and scheduler themselves. */
  background?: boolean;
  outboxPollMs?: number;
  /** Listen on this host (default all interfaces). */
  host?: string;
}

/** What the bot and the jobs tool share: org and policy, the migrated database, the messenger (Feishu or the simulator). */
export interface Core {
  org: Org;
  policy: Policy;
  database: Database;
  messenger: Messenger;
  simulator?: SimulatorMessenger;
}

export async function openCore(config: Config, log: Logger): Promise<Core> {
  const org = loadOrg(config.orgFile);
  const policy = loadPolicy(config.policyFile);
  const database = await createDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await database.migrate();
    const simulator = config.feishu ? undefined : createSimulatorMessenger(database.db);
    const messenger: Messenger = config.feishu
      ? createFeishuMessenger({ appId: config.feishu.appId, appSecret: config.feishu.appSecret, baseUrl: config.feishu.baseUrl, log })
      : simulator!;
    if (simulator) await simulator.ensureOfficeChat(org);
    return { org, policy, database, messenger, simulator };
  } catch (err) {
    await database.close().catch(() => undefined);
    throw err;
  }
}

/**
 * The durable jobs (approval reminders, task reminders, the morning digest) on the background pool.
 * Every tick first runs `beforeJobs` (the bot recovers unprocessed events there), then makes sure
 * today's digest job exists, then runs every job due.
 */
export function createJobScheduler(opts: {
  config: Config;
  org: Org;
  policy: Policy;
  database: Database;
  log: Logger;
  beforeJobs?: (now: Date) => Promise<unknown>;
  afterRun?: () => void;
  clock?: () => Date;
}): Scheduler {
  const { config, org, policy, database } = opts;
  return createScheduler({
    db: database.background,
    log: opts.log.child({ component: 'scheduler' }),
    bodies: { ...approvalReminderJobs(org), ...planJobs(org, policy, config.timeZone) },
    onTick: async (now) => {
      await opts.beforeJobs?.(now);
      await ensureDailyDigest(database.background, policy, now, config.timeZone);
    },
    afterRun: opts.afterRun,
    clock: opts.clock,
  });
}

/** Composition: config → org and policy → database and migrations → messenger → pipeline → HTTP and timers. */
export async function startApp(config: Config, opts: AppOptions): Promise<App> {
  const { log } = opts;
  const { org, policy, database, messenger, simulator } = await openCore(config, log);
  const { db } = database;

  const documents = createDocumentStore({ config, org, policy, log });
  const ledgerFiles = createLedgerFileStore({ config, org, policy, log }, opts.clock);
  const outbox = createOutboxSender({ db: database.background, messenger, log: log.child({ component: 'outbox' }), pollMs: opts.outboxPollMs, clock: opts.clock, onDocument: (fileDb, action, data) => (action.purpose === 'ledger' ? ledgerFiles : documents)(fileDb, action, data),
    onDocumentLost, renderFile: (db, spec) => buildLedgerWorkbook(db, policy, spec) });
  const pipeline = createPipeline({ db, router: createBotRouter(), config, org, policy, log, afterCommit: () => outbox.kick(), clock: opts.clock });
  const scheduler = createJobScheduler({ config, org, policy, database, log, beforeJobs: (now) => pipeline.recover(now), afterRun: () => outbox.kick(), clock: opts.clock });

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', async (_req, res) => {
    const ok = await database.ping();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'database unavailable' });
  });
  let ws: { close(): void } | undefined;
  if (config.feishu?.mode === 'webhook') {
    app.use(createFeishuWebhook({ encryptKey: config.feishu.encryptKey!, verificationToken: config.feishu.verificationToken, pipeline, log: log.child({ component: 'webhook' }), clock: opts.clock }));
  } else if (config.feishu) {
    ws = startLongConnection({ appId: config.feishu.appId, appSecret: config.feishu.appSecret, baseUrl: config.feishu.baseUrl, pipeline, log: log.child({ component: 'ws' }) });
  } else {
    app.use(createSimulatorRoutes({ db, org, messenger: simulator!, pipeline }));
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
  // The ledger template (接待台账模板) the 导入台账 reply links to.
  app.use(createLedgerRoutes());
  app.use((_req, res) => res.status(404).json({ error: 'not found' }));
  // Body-parser errors (oversized, bad encoding) and anything else: a short JSON answer, never a stack.
  app.use((err: { status?: number; type?: string; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status >= 500) log.error({ err }, 'request failed');
    else log.warn({ status, type: err.type }, 'request refused');
    res.status(status).json({ error: status === 413 ? 'body too large' : status < 500 ? 'bad request' : 'internal error' });
  });

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  if (opts.background !== false) {
    outbox.start();
    scheduler.start();
  }
  log.info({ port, mode: config.feishu ? `feishu-${config.feishu.mode}` : 'simulator', database: database.kind }, 'jiedai started');

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    database,
    messenger,
    pipeline,
    outbox,
    scheduler,
    close() {
      closing ??= (async () => {
        ws?.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections?.();
        });
        await scheduler.stop();
        await pipeline.idle();
        await outbox.drain(5_000).catch(() => undefined);
        await outbox.stop();
        await database.close();
        log.info('jiedai stopped');
      })();
      return closing;
    },
  };
}
