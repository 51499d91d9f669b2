// One fresh, migrated database per test file (see test-database.ts), opened before the file's tests
// and dropped after; `clear` tables are emptied before each test. Also the services a handler needs.
import pino from 'pino';
import type { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { bundled, loadConfig } from '../../src/config.js';
import { loadOrg } from '../../src/org/org.js';
import { loadPolicy } from '../../src/rules/policy/load-policy.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const silentLog = pino({ level: 'silent' });

/** Config, org, policy and a silent logger, from the bundled files. */
export const testServices = () => ({ config: loadConfig({}), org: loadOrg(bundled.org), policy: loadPolicy(bundled.policy), log: silentLog });

/** Registers the hooks; read `.current` inside tests. */
export function useTestDatabase(clear: PgTable[] = []): { readonly current: TestDatabase } {
  let tdb: TestDatabase | undefined;
  beforeAll(async () => {
    tdb = await createTestDatabase();
  });
  afterAll(async () => {
    await tdb?.drop();
  });
  if (clear.length) {
    beforeEach(async () => {
      for (const table of clear) await tdb!.main.db.delete(table);
    });
  }
  return {
    get current() {
      if (!tdb) throw new Error('the test database is opened in beforeAll');
      return tdb;
    },
  };
}
