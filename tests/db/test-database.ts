import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createDatabase, type Database } from '../../src/db/client.js';

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
    const main = await createDatabase({ dataDir: 'memory://' });
    await main.migrate();
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
