// npm run build: a clean dist/ that `node dist/main.js` runs from, with no dev tooling at run time.
// tsc compiles src/ into dist/ (tsconfig.build.json); the few files read at run time relative to a
// module (the simulator's static page) are copied next to the compiled module that reads them.
// Files read relative to the package root (config/, drizzle/) resolve the same from dist/ as from
// src/, since both are one level below it.
//
// `--fast` (what `npm start` runs): esbuild transpiles every src/ file to dist/ one to one, with no
// type check, in about a second, so a newcomer's `npm start` runs plain node on JavaScript instead of
// tsx compiling TypeScript in the server process (tsx's loader and its caches held about 120 MB).
// `npm run build` (tsc) stays the production build: it type-checks as it compiles.
//
// It also writes dist/node_modules/@larksuiteoapi/node-sdk: the installed Feishu SDK with its
// comments and whitespace taken out (esbuild, no renaming, no other change). Node resolves the SDK
// from dist/ to that copy first, so `node dist/main.js` holds 1.9 MB of SDK source instead of
// 6.2 MB: V8 keeps every script's source for the life of the process, and the SDK's, with its
// Chinese doc comments, is stored two bytes a character (11 MB of heap). The copy's own
// dependencies (axios, ws, protobufjs…) resolve from the package's node_modules as before.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const assets = ['platforms/simulator/public'];
const require = createRequire(import.meta.url);

const fast = process.argv.includes('--fast');
fs.rmSync(dist, { recursive: true, force: true });
const run = fast ? await transpile() : spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
// tsc still writes dist/ when it finds type errors; the assets are copied then too, but the build fails.
if (fs.existsSync(path.join(dist, 'main.js'))) {
  for (const dir of assets) fs.cpSync(path.join(root, 'src', dir), path.join(dist, dir), { recursive: true });
  await slimFeishuSdk();
}
if (run.status !== 0) {
  console.error(`build: tsc failed (exit ${run.status ?? run.signal}); dist/ must not be deployed`);
  process.exit(run.status || 1);
}
if (!fast) console.log('build: dist/ ready; run it with node dist/main.js');

/** Every .ts file under src/, transpiled one to one into dist/ (esbuild, ESM, no bundling, no type check). */
async function transpile() {
  const { build } = await import('esbuild');
  const files = fs.readdirSync(path.join(root, 'src'), { recursive: true }).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  try {
    await build({ entryPoints: files.map((f) => path.join(root, 'src', f)), outdir: dist, outbase: path.join(root, 'src'), format: 'esm', platform: 'node', target: 'node20', bundle: false, logLevel: 'warning' });
    return { status: 0 };
  } catch {
    return { status: 1 };
  }
}

/**
 * The Feishu SDK without comments or whitespace, at dist/node_modules (see the top of this file).
 * Its package.json comes along (the SDK reads its version from it for the User-Agent), and its
 * LICENSE, since the MIT notice at the top of the bundle is a comment.
 */
async function slimFeishuSdk() {
  const { transform } = await import('esbuild');
  const from = path.dirname(require.resolve('@larksuiteoapi/node-sdk/package.json'));
  const pkg = JSON.parse(fs.readFileSync(path.join(from, 'package.json'), 'utf8'));
  const to = path.join(dist, 'node_modules', pkg.name);
  const source = fs.readFileSync(path.join(from, pkg.main), 'utf8');
  // charset ascii (the default): non-ASCII characters left in strings are written as \u escapes,
  // so V8 can keep the source one byte a character.
  const out = await transform(source, { loader: 'js', format: 'cjs', platform: 'node', target: 'node20', minifyWhitespace: true, legalComments: 'none', charset: 'ascii' });
  const banner = `/* ${pkg.name} ${pkg.version} (${pkg.license}, see LICENSE), comments and whitespace removed by jiedai's scripts/build.mjs */\n`;
  fs.mkdirSync(path.join(to, path.dirname(pkg.main)), { recursive: true });
  fs.writeFileSync(path.join(to, pkg.main), banner + out.code);
  fs.copyFileSync(path.join(from, 'package.json'), path.join(to, 'package.json'));
  fs.copyFileSync(path.join(from, 'LICENSE'), path.join(to, 'LICENSE'));
}
