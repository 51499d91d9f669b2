// For the tests of the operator tools (`npx tsx src/…/cli.ts …`): the bot's own database for a
// whole test file, from the environment as the tools read it (a temporary PGlite DATA_DIR, migrated
// as the bot's first start leaves it, or a fresh PostgreSQL database with npm run test:pg), and a
// runner for commands against it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, seedDataDir, type TestDatabase } from '../db/test-database.js';

export const root = path.resolve(import.meta.dirname, '..', '..');

/** What a finished command left: its exit status and all it wrote. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ToolDatabase {
  /** A temporary folder for the file's own files (the embedded database lives in its data/). */
  readonly dir: string;
  /** The PostgreSQL test database under npm run test:pg, else undefined. */
  readonly tdb: TestDatabase | undefined;
  /** The embedded database's DATA_DIR, else undefined. */
  readonly dataDir: string | undefined;
  /** The bot's database settings, as the tools read them from the environment. */
  readonly dbEnv: Record<string, string>;
  /**
   * Runs `cmd args` in the repository with this database, LOG_LEVEL=warn, no Feishu settings and no
   * DATABASE_URL but this one.
   */
  run(cmd: string, args: string[]): Promise<Run>;
}

/** Registers beforeAll/afterAll in the calling file: the database is made before its tests and dropped, with `dir`, after. */
export function useToolDatabase(prefix: string): ToolDatabase {
  let dir: string | undefined;
  let tdb: TestDatabase | undefined;
  let dbEnv: Record<string, string> | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    if (process.env.DATABASE_URL) {
      tdb = await createTestDatabase();
      dbEnv = { DATABASE_URL: tdb.url! };
    } else {
      // Migrated already, as the bot leaves it after its first start (a copy of the run's template).
      await seedDataDir(path.join(dir, 'data'));
      dbEnv = { DATA_DIR: path.join(dir, 'data') };
    }
  });

  afterAll(async () => {
    await tdb?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useToolDatabase: the database is made in beforeAll');
    return value;
  };

  const tool: ToolDatabase = {
    get dir() {
      return ready(dir);
    },
    get tdb() {
      return tdb;
    },
    get dataDir() {
      return tool.dbEnv.DATA_DIR;
    },
    get dbEnv() {
      return ready(dbEnv);
    },
    run(cmd, args) {
      return new Promise((resolve, reject) => {
        const env: Record<string, string | undefined> = { ...process.env, ...tool.dbEnv, LOG_LEVEL: 'warn' };
        for (const k of Object.keys(env)) if (k.startsWith('FEISHU_')) delete env[k];
        if (!tool.dbEnv.DATABASE_URL) delete env.DATABASE_URL;
        const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    },
  };
  return tool;
}
