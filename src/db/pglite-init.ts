// First start of the embedded database: PGlite runs initdb (a WebAssembly module of its own) the
// first time a data directory is opened, and the process that did it keeps about 450 MB more
// resident than one that opens the initialised directory: the freed WebAssembly memory is not all
// given back to the operating system (docs/performance.md, "npm start memory"). So initdb runs in a
// short-lived child process, and the server opens a directory that is already initialised.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** True once PostgreSQL's files are in `dataDir` (initdb writes PG_VERSION among its first files). */
export const initialised = (dataDir: string): boolean => fs.existsSync(path.join(dataDir, 'PG_VERSION'));

/** Initialises `dataDir` in a child process when it is empty; does nothing when it is initialised. */
export async function initDataDirApart(dataDir: string): Promise<void> {
  if (initialised(dataDir)) return;
  const entry = pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite')).href;
  const code =
    `const m = await import(${JSON.stringify(entry)}); const PGlite = m.PGlite ?? m.default.PGlite;` +
    'const c = new PGlite(process.argv[1]); await c.waitReady; await c.close();';
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code, dataDir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 && initialised(dataDir) ? resolve() : reject(new Error(`initialising the embedded database in ${dataDir} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`)),
    );
  });
}
