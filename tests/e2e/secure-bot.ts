// The real bot in webhook mode with secrets that can be grepped for, logging at debug level into an
// array, on a clock the test can move, beside the fake Feishu. Shared by the security and fuzz suites.
import pino from 'pino';
import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { embeddedDatabaseFor } from '../db/test-database.js';
import {
  approvals, auditLog, delegations, expenseLines, guestProfiles, guestVisits, inboundEvents, jobs, ledgerEntries, ledgerImports, outbox,
  receptions, settlementDocuments, settlements, tasks,
} from '../../src/db/schema/index.js';
import {
  buildCardAction, buildMessageEvent, signedRequest, startFakeFeishu,
  type CardActionInput, type FakeFeishu, type MessageEventInput,
} from '../fake-feishu/index.js';

/** Distinctive values, so a log line that carries one is found by a plain substring search. */
export const SECRETS = {
  // Not DEFAULT_APP_ID: the SDK caches tenant tokens per app id for the whole process, and other
  // bots started beside this one (with the default app and secret) must not pick up its token.
  appId: 'cli_5ec0de5ec0de5ec0',
  appSecret: 'app-secret-Q7v2LmX9pR4tWc',
  encryptKey: 'encrypt-key-Z3k8Wq1Nf6HyPd',
  verificationToken: 'verify-token-B5c0Jd7Ge2MsXa',
  linkSecret: 'link-secret-T9a4Ux6Ko1Vb3Rn8',
} as const;

export interface Answer {
  status: number;
  body: unknown;
}

export interface SecureBot {
  fake: FakeFeishu;
  bot: App;
  /** Every log line the bot wrote (pino JSON, level debug). */
  logLines: string[];
  /** Moves the bot's clock this far from real time (the webhook's freshness check reads it). */
  skew(ms: number): void;
  /** A message event with the configured verification token. */
  message(input?: MessageEventInput): ReturnType<typeof buildMessageEvent>;
  /** A card.action.trigger with the configured verification token. */
  action(input?: CardActionInput): ReturnType<typeof buildCardAction>;
  /** Encrypts and signs `payload` as Feishu does (timestamp: the bot's clock), then POSTs it. */
  post(payload: unknown, opts?: { timestamp?: string; nonce?: string }): Promise<Answer>;
  /** POSTs exactly these bytes with these headers. */
  postRaw(body: string | Uint8Array, headers: Record<string, string>): Promise<Answer>;
  /** Lets accepted events finish and the outbox deliver what they wrote. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function startSecureBot(opts: { env?: Record<string, string> } = {}): Promise<SecureBot> {
  const fake = await startFakeFeishu({ appId: SECRETS.appId, appSecret: SECRETS.appSecret });
  const logLines: string[] = [];
  let skewMs = 0;
  const clock = () => new Date(Date.now() + skewMs);
  const env: Record<string, string> = {
    PORT: '0',
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'debug',
    FEISHU_APP_ID: SECRETS.appId,
    FEISHU_APP_SECRET: SECRETS.appSecret,
    FEISHU_ENCRYPT_KEY: SECRETS.encryptKey,
    FEISHU_VERIFICATION_TOKEN: SECRETS.verificationToken,
    FEISHU_BASE_URL: fake.url,
    FEISHU_MODE: 'webhook',
    LINK_SECRET: SECRETS.linkSecret,
    ...opts.env,
  };
  const config = loadConfig(env);
  const log = pino({ level: 'debug' }, { write: (s: string) => void logLines.push(s) });
  // No timers: the scheduler would add the day's digest job while a test compares the tables.
  const bot = await startApp(config, { log, host: '127.0.0.1', clock, background: false, outboxPollMs: 100, database: await embeddedDatabaseFor(config) });

  const postRaw = async (body: string | Uint8Array, headers: Record<string, string>): Promise<Answer> => {
    const res = await fetch(`${bot.url}/feishu/events`, { method: 'POST', headers, body: body as BodyInit });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed };
  };

  return {
    fake,
    bot,
    logLines,
    skew: (ms) => {
      skewMs = ms;
    },
    message: (input = {}) => buildMessageEvent({ verificationToken: SECRETS.verificationToken, appId: SECRETS.appId, ...input }),
    action: (input = {}) => buildCardAction({ verificationToken: SECRETS.verificationToken, appId: SECRETS.appId, ...input }),
    async post(payload, o = {}) {
      const req = signedRequest(payload, { encryptKey: SECRETS.encryptKey, timestamp: o.timestamp ?? String(Math.floor(clock().getTime() / 1000)), nonce: o.nonce });
      return postRaw(req.body, req.headers);
    },
    postRaw,
    async settle() {
      await bot.pipeline.idle();
      await bot.outbox.drain(15_000);
    },
    async close() {
      await bot.close();
      await fake.close();
    },
  };
}

/** Every row of the tables that hold the bot's state, as JSON, to compare before and after. */
export async function snapshotState(database: Database): Promise<Record<string, string>> {
  const tables = {
    receptions, approvals, auditLog, outbox, jobs, tasks, delegations, settlements, expenseLines, settlementDocuments, guestProfiles, guestVisits,
    ledgerEntries, ledgerImports, inboundEvents,
  };
  const out: Record<string, string> = {};
  for (const [name, table] of Object.entries(tables)) out[name] = JSON.stringify(await database.db.select().from(table));
  return out;
}

/** Row counts of the same tables (for a short failure message). */
export async function countRows(database: Database): Promise<Record<string, number>> {
  const snap = await snapshotState(database);
  return Object.fromEntries(Object.entries(snap).map(([k, v]) => [k, (JSON.parse(v) as unknown[]).length]));
}
