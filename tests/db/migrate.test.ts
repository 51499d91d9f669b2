import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { createDatabase, migrationsFolder } from '../../src/db/client.js';

const base = process.env.DATABASE_URL;

describe('migrations on a PostgreSQL server', () => {
  it.skipIf(!base)('are applied once when three instances start together on an empty database', async () => {
    const name = `jd_migrate_${randomBytes(5).toString('hex')}`;
    const admin = postgres(base!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = Object.assign(new URL(base!), { pathname: `/${name}` }).toString();
    // Pools of one connection, as the tools use: the lock must not wait for the pool's only connection.
    const instances = await Promise.all([1, 2, 3].map(() => createDatabase({ databaseUrl: url, max: 1 })));
    try {
      await Promise.all(instances.map((d) => d.migrate()));
      const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
      const db = postgres(url, { max: 1, onnotice: () => {} });
      const [{ n }] = await db`select count(*)::int as n from drizzle.__drizzle_migrations`;
      const [{ locks }] = await db`select count(*)::int as locks from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`;
      await db.end();
      expect(n).toBe(journal.entries.length);
      // The lock is given back once the migration is done, not held for the instance's life.
      expect(locks).toBe(0);
    } finally {
      await Promise.all(instances.map((d) => d.close()));
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
