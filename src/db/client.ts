import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { initDataDirApart } from './pglite-init.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Db = PgDatabase<any, Schema>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Tx = PgTransaction<any, Schema, any>;
/** Anything queries can run on: the database or an open transaction. */
export type Executor = Db | Tx;

export interface Database {
  db: Db;
  /**
   * For the outbox sender and the scheduler: on a server, a separate small pool, so background
   * delivery can never hold the connections the webhook needs to acknowledge events.
   */
  background: Db;
  kind: 'postgres' | 'pglite';
  migrate(): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'drizzle');

export interface DbOptions {
  databaseUrl?: string;
  dataDir?: string;
  /** postgres.js pool size per instance. */
  max?: number;
  /**
   * Embedded only: start from this dumped data directory (PGlite's `dumpDataDir`) instead of an
   * empty one. The tests load one migrated template rather than running initdb for every database.
   */
  loadDataDir?: Blob;
}

/**
 * Applies the migrations while holding an advisory lock, so instances started together on one
 * database migrate one after another (drizzle's migrator takes no lock of its own). Only the
 * migration is under the lock, not the rest of start-up, and the wait is bounded (lock_timeout).
 */
async function migrateUnderLock(databaseUrl: string, client: postgres.Sql): Promise<void> {
  // A connection of its own, outside the pool: a pool of one would otherwise wait for itself.
  const lock = postgres(databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await lock`select set_config('lock_timeout', '120s', false)`;
    await lock`select pg_advisory_lock(hashtext('jiedai:migrate'))`;
    try {
      await migratePostgres(drizzlePostgres(client, { casing: 'snake_case' }), { migrationsFolder });
    } finally {
      await lock`select pg_advisory_unlock(hashtext('jiedai:migrate'))`.catch(() => undefined);
    }
  } finally {
    // Ending the session also gives the lock back, should the unlock not have reached the server.
    await lock.end({ timeout: 2 }).catch(() => undefined);
  }
}

/** DATABASE_URL set → postgres.js on a real server; unset → embedded PGlite in dataDir (or in memory for tests). */
export async function createDatabase(opts: DbOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const common = { onnotice: () => {}, connect_timeout: 10 };
    const client = postgres(opts.databaseUrl, { ...common, max: opts.max ?? 10 });
    const bgClient = postgres(opts.databaseUrl, { ...common, max: 3 });
    const db = drizzlePostgres(client, { schema, casing: 'snake_case' }) as unknown as Db;
    const background = drizzlePostgres(bgClient, { schema, casing: 'snake_case' }) as unknown as Db;
    return {
      db,
      background,
      kind: 'postgres',
      migrate: () => migrateUnderLock(opts.databaseUrl!, client),
      ping: () => ping(db),
      close: async () => {
        await Promise.all([client.end({ timeout: 5 }), bgClient.end({ timeout: 5 })]);
      },
    };
  }
  let dataDir: string | undefined;
  if (opts.dataDir && opts.dataDir !== 'memory://') {
    dataDir = path.resolve(opts.dataDir);
    fs.mkdirSync(dataDir, { recursive: true });
    if (!opts.loadDataDir) await initDataDirApart(dataDir);
  }
  // PostgreSQL's default 128 MB of shared buffers lives inside PGlite's WebAssembly memory, in this
  // process: for one unit's receptions 16 MB holds the working set (the files stay in the operating
  // system's cache too), and the idle process is about 150 MB smaller (docs/performance.md).
  // Loaded only here: an instance on a PostgreSQL server never pays for the embedded one.
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([import('@electric-sql/pglite'), import('drizzle-orm/pglite'), import('drizzle-orm/pglite/migrator')]);
  // One options object: `new PGlite(undefined, options)` (in memory) would ignore the options.
  const client = new PGlite({ dataDir, loadDataDir: opts.loadDataDir, startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] });
  await client.waitReady;
  const db = drizzlePglite(client, { schema, casing: 'snake_case' }) as unknown as Db;
  return {
    db,
    background: db,
    kind: 'pglite',
    migrate: () => migratePglite(drizzlePglite(client, { casing: 'snake_case' }), { migrationsFolder }),
    ping: () => ping(db),
    close: async () => {
      if (!client.closed) await client.close();
    },
  };
}

async function ping(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
