import os from 'node:os';
import { defineConfig } from 'vitest/config';

// Five tiers (docs/testing.md). `npm test` runs unit, db (PGlite) and e2e (real server + fake Feishu);
// `npm run test:quick` the unit tier and the quickest end-to-end files; `npm run test:pg` runs the db
// tier (and the e2e files that talk to the database themselves) against DATABASE_URL; `npm run test:e2e`
// drives the simulator in Chromium; `npm run test:multi` runs several bot processes behind nginx on a
// real PostgreSQL server, and the fault suite.
//
// Test files run side by side, each in a process of its own with its own database (a copy of one
// migrated template, tests/db/template-setup.ts) and its own ports. The end-to-end files spend much of
// their time waiting (on the fake Feishu, on child processes, on the outbox's rate limits), so there is
// one worker more than there are cores; JD_TEST_WORKERS overrides it.
const workers = Number(process.env.JD_TEST_WORKERS) || os.availableParallelism() + 1;
const template = ['tests/db/template-setup.ts'];

export default defineConfig({
  test: {
    maxWorkers: workers,
    projects: [
      // Pure code: the files share one module registry per worker (no per-file re-import).
      // (Timeouts only catch a hang: with the files side by side on a busy machine a test takes longer.)
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', isolate: false, testTimeout: 20_000 } },
      { test: { name: 'db', include: ['tests/db/**/*.test.ts'], environment: 'node', testTimeout: 30_000, hookTimeout: 60_000, globalSetup: template } },
      { test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], environment: 'node', testTimeout: 60_000, hookTimeout: 60_000, globalSetup: template } },
      // Several real bot processes on one PostgreSQL server behind nginx, and the fault suite (npm run test:multi).
      { test: { name: 'multi', include: ['tests/multi/**/*.test.ts'], environment: 'node', testTimeout: 600_000, hookTimeout: 180_000, fileParallelism: false } },
      { test: { name: 'browser', include: ['tests/browser/**/*.test.ts'], environment: 'node', testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false } },
    ],
  },
});
