// The core the bot and the command-line tools share (part of the composition root, with app.ts):
// org and policy, the migrated database, the messenger, and the durable job scheduler.
import type { Logger } from 'pino';
import { approvalReminderJobs } from './approval/reminders.js';
import { sentElsewhere, type Messenger } from './chat/messenger.js';
import type { Config } from './config.js';
import { createDatabase, type Database } from './db/client.js';
import { createScheduler, type Scheduler } from './jobs/scheduler.js';
import { loadOrg, type Org } from './org/org.js';
import { ensureDailyDigest, planJobs } from './plan/plan-jobs.js';
import { createDingTalkMessenger } from './platforms/dingtalk/messenger.js';
import { tokenKey } from './platforms/dingtalk/tokens.js';
import { createSimulatorMessenger, type SimulatorMessenger } from './platforms/simulator/messenger.js';
import { createUploadFolder, type UploadFolder } from './platforms/simulator/upload.js';
import { loadPolicy } from './rules/policy/load-policy.js';
import type { Policy } from './rules/policy/policy-schema.js';
import { withLinkSecret } from './startup.js';

/** What the bot and the jobs tool share: org and policy, the migrated database, the messenger (Feishu or the simulator). */
export interface Core {
  /** The configuration with the link key filled in (LINK_SECRET, or the key kept in the database). */
  config: Config;
  org: Org;
  policy: Policy;
  database: Database;
  messenger: Messenger;
  simulator?: SimulatorMessenger;
  /** Where the files people send on the simulator page are kept. */
  uploads?: UploadFolder;
}

/**
 * `opened`: a database already opened (tests hand in one loaded from a migrated template); still migrated.
 * `thread`, when the work runs in a thread of its own (src/work-thread.ts): for the work thread, the
 * answering thread has migrated already and the pools are smaller; for the answering thread, no
 * messages are sent from it, so the Feishu SDK (about 40 MB resident) is not loaded there.
 */
export async function openCore(loaded: Config, log: Logger, clock?: () => Date, opened?: Database, thread?: { migrated?: boolean; poolMax?: number; sendsMessages: boolean }): Promise<Core> {
  const org = loadOrg(loaded.orgFile);
  const policy = loadPolicy(loaded.policyFile);
  const database = opened ?? (await createDatabase({ databaseUrl: loaded.databaseUrl, dataDir: loaded.dataDir, max: thread?.poolMax }));
  try {
    if (!thread?.migrated) await database.migrate();
    const config = await withLinkSecret(loaded, database);
    const uploads = config.feishu || config.dingtalk ? undefined : createUploadFolder(config.dataDir);
    const simulator = uploads ? createSimulatorMessenger(database.db, uploads) : undefined;
    // The Feishu modules (and the SDK, about 40 MB resident) are loaded only when Feishu is configured.
    const messenger: Messenger = config.feishu
      ? thread?.sendsMessages === false
        ? sentElsewhere('feishu')
        : (await import('./platforms/feishu/messenger.js')).createFeishuMessenger({ appId: config.feishu.appId, appSecret: config.feishu.appSecret, baseUrl: config.feishu.baseUrl, log })
      : config.dingtalk
        ? createDingTalkMessenger({
            ...config.dingtalk,
            publicUrl: config.links.baseUrl,
            tokenKey: tokenKey(config.links.secret),
            fallbackChatId: org.reception_office.chat_id,
            formSignIn: Boolean(config.dingtalk.corpId),
            log: log.child({ component: 'dingtalk' }),
            clock,
          })
        : simulator!;
    if (simulator) await simulator.ensureOfficeChat(org);
    return { config, org, policy, database, messenger, simulator, uploads };
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
