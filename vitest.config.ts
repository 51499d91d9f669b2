import { defineConfig } from 'vitest/config';

// Five tiers. `npm test` runs unit, db (PGlite) and e2e (real server + fake Feishu);
// `npm run test:pg` runs the db tier against DATABASE_URL; `npm run test:e2e` drives the simulator in Chromium;
// `npm run test:multi` runs several bot processes behind nginx on a real PostgreSQL server, and the fault suite.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      { test: { name: 'db', include: ['tests/db/**/*.test.ts'], environment: 'node', testTimeout: 30_000, hookTimeout: 60_000 } },
      { test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], environment: 'node', testTimeout: 30_000, hookTimeout: 60_000, fileParallelism: false } },
      // Several real bot processes on one PostgreSQL server behind nginx, and the fault suite (npm run test:multi).
      { test: { name: 'multi', include: ['tests/multi/**/*.test.ts'], environment: 'node', testTimeout: 600_000, hookTimeout: 180_000, fileParallelism: false } },
      { test: { name: 'browser', include: ['tests/browser/**/*.test.ts'], environment: 'node', testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false } },
    ],
  },
});
