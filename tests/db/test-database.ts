import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import postgres from 'postgres';
import { inject } from 'vitest';
import type { Config } from '../../src/config.js';
import { createDatabase, type Database } from '../../src/db/client.js';

let template: Promise<Blob | undefined> | undefined;

/** The run's migrated template (tests/db/template-setup.ts), read once per test file; undefined in a tier without one. */
function templateDump(): Promise<Blob | undefined> {
  template ??= (async () => {
    const file = inject('pgliteTemplate');
    return file ? new Blob([await fs.promises.readFile(file)]) : undefined;
  })();
  return template;
}

/**
 * A fresh, migrated in-memory PGlite of its own: a copy of the run's template, or, in a tier
 * without one, made and migrated here.
 */
export async function openEmbeddedDatabase(): Promise<Database> {
  const database = await createDatabase({ dataDir: 'memory://', loadDataDir: await templateDump() });
  await database.migrate();
  return database;
}

/** For a bot whose config says DATA_DIR=memory:// (and no DATABASE_URL): its fresh database, from the template. */
export async function embeddedDatabaseFor(config: Config): Promise<Database | undefined> {
  return !config.databaseUrl && config.dataDir === 'memory://' ? openEmbeddedDatabase() : undefined;
}

/**
 * Fills the empty directory `dataDir` with a migrated embedded database (a copy of the run's
 * template), as a bot that had already started there once would leave it; for the tools and
 * processes the tests start with DATA_DIR.
 */
export async function seedDataDir(dataDir: string): Promise<void> {
  const database = await createDatabase({ dataDir, loadDataDir: await templateDump() });
  try {
    await database.migrate();
  } finally {
    await database.close();
  }
}

/**
 * A fresh, migrated database for one test file. With DATABASE_URL (npm run test:pg) each call
 * creates its own database on that server, so files run in parallel without sharing rows;
 * without it, an in-memory PGlite. `connect()` opens another, independent connection pool to the
 * same database: two of them race like two bot instances.
 */
export interface TestDatabase {
  kind: 'postgres' | 'pglite';
  main: Database;
  /** The fresh database's URL (postgres only): for a process or an app that opens its own pool. */
  url?: string;
  connect(): Promise<Database>;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    const main = await openEmbeddedDatabase();
    return { kind: 'pglite', main, connect: async () => main, drop: () => main.close() };
  }
  const name = `jd_test_${randomBytes(5).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const opened: Database[] = [];
  const connect = async () => {
    const d = await createDatabase({ databaseUrl: url.toString(), max: 5 });
    opened.push(d);
    return d;
  };
  const main = await connect();
  await main.migrate();
  return {
    kind: 'postgres',
    main,
    url: url.toString(),
    connect,
    drop: async () => {
      await Promise.all(opened.map((d) => d.close()));
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
