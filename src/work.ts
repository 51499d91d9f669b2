// The events' own work, composed once (part of the composition root, with app.ts and core.ts): the
// handlers of recorded events (the pipeline), the outbox sender, and the durable job scheduler.
// app.ts runs it in the thread that answers (PGlite, tests); with WORK_THREAD on, the work thread
// (src/work-thread.ts) runs it, and the answering thread keeps only the pipeline's acknowledgement
// and the card actions answered in their request.
import type { Logger } from 'pino';
import { createApprovalCenterDelivery } from './approval/center/deliver.js';
import { createCalendarDelivery } from './calendar/calendar-delivery.js';
import type { Messenger } from './chat/messenger.js';
import { createPipeline, type Pipeline } from './chat/pipeline.js';
import { createBotRouter } from './commands/commands.js';
import type { Config } from './config.js';
import { createJobScheduler } from './core.js';
import type { Database } from './db/client.js';
import { createOutboxSender, type OutboxSender } from './jobs/outbox.js';
import type { Scheduler } from './jobs/scheduler.js';
import type { Org } from './org/org.js';
import { createPlacesFileStore, onPlacesFileLost } from './places/places-chat.js';
import type { Policy } from './rules/policy/policy-schema.js';
import { createDocumentStore, onDocumentLost } from './settlement/settlement-documents.js';
import { createLedgerFileStore } from './statistics/ledger-chat.js';
import { buildLedgerWorkbook } from './statistics/ledger-export.js';

export interface Work {
  pipeline: Pipeline;
  outbox: OutboxSender;
  scheduler: Scheduler;
  /** What to call after a commit that may have written outbox rows (the `kick` given, else this outbox's). */
  kick: () => void;
}

export interface WorkOptions {
  config: Config;
  /** The live org (src/org/live-org.ts): every part reads the org file as last (re)loaded. */
  org: Org;
  policy: Policy;
  database: Database;
  messenger: Messenger;
  log: Logger;
  clock?: () => Date;
  /** Called after a transaction that may have written outbox rows commits (default: this outbox's kick). */
  kick?: () => void;
  /** Where recorded events go to be handled, when not here (see PipelineOptions.handOff). */
  handOff?: (id: number) => void;
  outboxPollMs?: number;
  /** Answers first (see PipelineOptions.yieldTo). */
  yieldTo?: { busy: () => boolean; maxWaitMs: number };
}

export function composeWork(opts: WorkOptions): Work {
  const { config, org, policy, database, messenger, log, clock } = opts;
  const files = { ledger: createLedgerFileStore({ config, org, policy, log }, clock), places: createPlacesFileStore({ config, org, policy, log }, clock), settlement: createDocumentStore({ config, org, policy, log }) };
  const outbox = createOutboxSender({
    db: database.background,
    messenger,
    log: log.child({ component: 'outbox' }),
    pollMs: opts.outboxPollMs,
    clock,
    onDocument: (fileDb, action, data) => files[action.purpose ?? 'settlement'](fileDb, action, data),
    onDocumentLost: (lostDb, action) => (action.purpose === 'places' ? onPlacesFileLost : onDocumentLost)(lostDb, action),
    renderFile: (db, spec) => buildLedgerWorkbook(db, policy, spec),
    approvalCenter: createApprovalCenterDelivery({ org, timeZone: config.timeZone, clock }),
    syncCalendar: createCalendarDelivery({ org, timeZone: config.timeZone, calendar: messenger.calendar, log: log.child({ component: 'calendar' }), clock }),
  });
  const kick = opts.kick ?? (() => outbox.kick());
  const pipeline = createPipeline({ db: database.db, router: createBotRouter(), config, org, policy, log, afterCommit: kick, clock, handOff: opts.handOff, yieldTo: opts.yieldTo });
  const scheduler = createJobScheduler({ config, org, policy, database, log, beforeJobs: (now) => pipeline.recover(now), afterRun: kick, clock });
  return { pipeline, outbox, scheduler, kick };
}
