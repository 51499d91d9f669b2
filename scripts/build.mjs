// npm run build: a clean dist/ that `node dist/main.js` runs from, with no dev tooling at run time.
// tsc compiles src/ into dist/ (tsconfig.build.json); the few files read at run time relative to a
// module (the simulator's static page) are copied next to the compiled module that reads them.
// Files read relative to the package root (config/, drizzle/) resolve the same from dist/ as from
// src/, since both are one level below it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const assets = ['bot/simulator/public'];

fs.rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const run = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
// tsc still writes dist/ when it finds type errors; the assets are copied then too, but the build fails.
if (fs.existsSync(path.join(dist, 'main.js'))) {
  for (const dir of assets) fs.cpSync(path.join(root, 'src', dir), path.join(dist, dir), { recursive: true });
}
if (run.status !== 0) {
  console.error(`build: tsc failed (exit ${run.status ?? run.signal}); dist/ must not be deployed`);
  process.exit(run.status || 1);
}
console.log('build: dist/ ready; run it with node dist/main.js');
