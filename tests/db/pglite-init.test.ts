// First start of the embedded database: initdb runs in a child process (src/db/pglite-init.ts), so
// the server never holds initdb's memory; the directory it leaves is the one the server then opens.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client.js';
import { initDataDirApart, initialised } from '../../src/db/pglite-init.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jiedai-initdb-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('the embedded database on first start', () => {
  it('initialises an empty data directory apart, then opens, migrates and answers queries in it', async () => {
    const dir = path.join(tmp, 'fresh');
    expect(initialised(dir)).toBe(false);
    const database = await createDatabase({ dataDir: dir });
    try {
      expect(initialised(dir)).toBe(true);
      await database.migrate();
      expect(await database.ping()).toBe(true);
    } finally {
      await database.close();
    }
    // A restart opens the same directory without initialising it again: the data is still there.
    const mtime = fs.statSync(path.join(dir, 'PG_VERSION')).mtimeMs;
    await initDataDirApart(dir);
    expect(fs.statSync(path.join(dir, 'PG_VERSION')).mtimeMs).toBe(mtime);
  });

  it('says which directory could not be initialised, and why, when initdb cannot write there', async () => {
    const blocked = path.join(tmp, 'a-file');
    fs.writeFileSync(blocked, 'not a directory');
    await expect(initDataDirApart(path.join(blocked, 'data'))).rejects.toThrow(/initialising the embedded database in .*a-file\/data failed/);
  });
});
