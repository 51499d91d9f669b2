import pino from 'pino';
import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { embeddedDatabaseFor } from '../db/test-database.js';
import { DEFAULT_APP_ID, DEFAULT_APP_SECRET, DEFAULT_VERIFICATION_TOKEN } from '../fake-feishu/index.js';

export const ENCRYPT_KEY = 'e2e-encrypt-key';

/** The variables of the fake Feishu's app, talking to the fake at `baseUrl` (webhook mode unless `mode` says). */
export const feishuEnv = (baseUrl: string, encryptKey: string, mode: 'webhook' | 'ws' = 'webhook'): Record<string, string> => ({
  FEISHU_APP_ID: DEFAULT_APP_ID,
  FEISHU_APP_SECRET: DEFAULT_APP_SECRET,
  FEISHU_ENCRYPT_KEY: encryptKey,
  FEISHU_VERIFICATION_TOKEN: DEFAULT_VERIFICATION_TOKEN,
  FEISHU_BASE_URL: baseUrl,
  FEISHU_MODE: mode,
});

/**
 * The real bot, in this process, on an ephemeral port and an in-memory PGlite (or a fresh
 * database on DATABASE_URL's server), talking through the real SDK to the fake Feishu at `baseUrl`.
 */
export async function startBot(
  opts: { baseUrl?: string; mode?: 'webhook' | 'ws'; env?: Record<string, string>; logLines?: string[]; clock?: () => Date; background?: boolean } = {},
): Promise<App> {
  // One thread: the tests settle the work through this thread's bot.pipeline and bot.outbox (the work
  // thread, WORK_THREAD's default on PostgreSQL, has its own test: work-thread.test.ts).
  const env: Record<string, string> = { PORT: '0', DATA_DIR: 'memory://', LOG_LEVEL: 'info', WORK_THREAD: 'off' };
  if (opts.baseUrl) {
    Object.assign(env, feishuEnv(opts.baseUrl, ENCRYPT_KEY, opts.mode));
  }
  Object.assign(env, opts.env);
  const lines = opts.logLines;
  const log = pino({ level: 'info' }, { write: (s: string) => void lines?.push(s) });
  const config = loadConfig(env);
  return startApp(config, { log, outboxPollMs: 100, host: '127.0.0.1', clock: opts.clock, background: opts.background, database: await embeddedDatabaseFor(config) });
}
