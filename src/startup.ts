// What start-up settles besides the composition: the link key when LINK_SECRET is not set, and the
// production checklist of docs/deploy.md, written to the log one line per item, so whoever deploys
// reads in the start-up log that each item holds (or which does not).
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { appKeys } from './db/schema/index.js';

const LINK_KEY = 'link_secret';

/**
 * The key that signs links: LINK_SECRET, or else a random 256-bit key made at the first start and
 * kept in the database (app_keys), so it survives restarts and every instance on one database
 * agrees; never a constant anyone could read in the source.
 */
export async function withLinkSecret(config: Config, database: Database): Promise<Config> {
  if (config.links.fromEnv) return config;
  await database.db.insert(appKeys).values({ name: LINK_KEY, value: randomBytes(32).toString('hex') }).onConflictDoNothing();
  const [row] = await database.db.select({ value: appKeys.value }).from(appKeys).where(eq(appKeys.name, LINK_KEY));
  if (!row?.value) throw new Error('the link key could not be stored in the database');
  return { ...config, links: { ...config.links, secret: row.value } };
}

export interface CheckItem {
  item: string;
  ok: boolean;
  detail: string;
}

/** The production checklist (docs/deploy.md "Production checklist"), item by item, in its order. */
export function productionChecklist(config: Config, facts: { database: 'pglite' | 'postgres'; host: string; port: number; postgresGuarded: boolean }): CheckItem[] {
  const mode = config.feishu ? `feishu-${config.feishu.mode}` : config.dingtalk ? 'dingtalk-stream' : undefined;
  const memory = config.dataDir.startsWith('memory://');
  const https = config.links.baseUrl.startsWith('https://');
  return [
    { item: 'messenger', ok: Boolean(mode), detail: mode ? `${mode} app ${config.feishu?.appId ?? config.dingtalk?.clientId}` : 'none: the local simulator runs (not for production)' },
    {
      item: 'events',
      ok: Boolean(mode),
      detail: config.feishu?.mode === 'webhook'
        ? `webhook, encrypted and signed (FEISHU_ENCRYPT_KEY)${config.feishu.verificationToken ? ', verification token checked' : ''}`
        : mode ? 'long connection opened by the bot (no public event URL)' : 'simulator page only',
    },
    {
      item: 'database',
      ok: facts.database === 'postgres' || !memory,
      detail: facts.database === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : memory ? 'PGlite in memory: everything is lost at exit' : `PGlite in ${config.dataDir} (one instance only)`,
    },
    { item: 'postgres-guard', ok: facts.database !== 'postgres' || facts.postgresGuarded, detail: facts.database !== 'postgres' ? 'not needed on PGlite' : facts.postgresGuarded ? 'postgres.js patched' : 'postgres.js NOT patched (scripts/patch-postgres.mjs)' },
    { item: 'public-url', ok: https, detail: https ? config.links.baseUrl : `${config.links.baseUrl}: set PUBLIC_URL to the https address people open links at` },
    { item: 'link-key', ok: true, detail: config.links.fromEnv ? 'LINK_SECRET' : 'random key made at first start, kept in the database (app_keys)' },
    { item: 'listen', ok: true, detail: `${facts.host}:${facts.port}` },
    { item: 'log-level', ok: ['info', 'warn', 'error', 'fatal'].includes(config.logLevel), detail: config.logLevel },
  ];
}

/** One line per item: info when it holds, warn when it does not. */
export function logChecklist(log: Logger, items: CheckItem[]): void {
  items.forEach((c, i) => {
    const line = `checklist ${i + 1}/${items.length} ${c.item}: ${c.ok ? 'ok' : 'NOT READY'}, ${c.detail}`;
    if (c.ok) log.info({ check: c.item, ok: true }, line);
    else log.warn({ check: c.item, ok: false }, line);
  });
}
