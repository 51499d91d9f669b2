// Vitest globalSetup of the db and e2e tiers: one embedded database, migrated once per run, dumped
// to a file that every test file loads (tests/db/test-database.ts) instead of running initdb and
// the migrations again. PostgreSQL's initdb is most of the cost of a fresh PGlite (about a second
// of CPU each), and a test run opens a hundred of them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { createDatabase } from '../../src/db/client.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The dumped data directory (an uncompressed tar) of a freshly migrated embedded database. */
    pgliteTemplate: string;
  }
}

/** One template per run, however many projects list this setup: they run in one process. */
const shared = globalThis as { jiedaiTemplate?: { file: Promise<string>; users: number } };

async function makeTemplate(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jd-pglite-template-'));
  const file = path.join(dir, 'template.tar');
  const database = await createDatabase({ dataDir: 'memory://' });
  try {
    await database.migrate();
    const client = (database.db as unknown as { $client: PGlite }).$client;
    const dump = await client.dumpDataDir('none');
    fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await database.close();
  }
  return file;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  shared.jiedaiTemplate ??= { file: makeTemplate(), users: 0 };
  const mine = shared.jiedaiTemplate;
  mine.users++;
  project.provide('pgliteTemplate', await mine.file);
  return async () => {
    if (--mine.users > 0) return;
    shared.jiedaiTemplate = undefined;
    fs.rmSync(path.dirname(await mine.file), { recursive: true, force: true });
  };
}
