// npm run bench: every benchmark, one after the other (never at once: they would measure each other),
// each side by side with its baseline in its own run, and the machine they ran on written at the top
// of docs/performance.md. `npm run bench -- --quick` runs short versions (smaller sizes, shorter
// phases, fewer rounds) and leaves docs/performance.md alone unless `--write` is given too.
// `--only=startup,reminders` runs some of them.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import postgres from 'postgres';
import { BASE_URL, writeSection } from './processes.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const write = !quick || argv.includes('--write');
// `webhook` names the webhook benchmark too (its file is webhook-ack).
const only = argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',')
  .map((n) => (n === 'webhook' ? 'webhook-ack' : n));

interface Bench {
  name: string;
  file: string;
  /** What the benchmark measures, for the summary. */
  what: string;
  quickEnv: Record<string, string>;
}

const BENCHES: Bench[] = [
  {
    name: 'webhook-ack',
    file: 'bench/webhook-ack.ts',
    what: 'webhook acknowledgement (open loop, saturation) and card callbacks, against a bare handler',
    // 2 s per open-loop rate, one 3 s saturation round per handler, 60 submissions and taps.
    quickEnv: { BENCH_SECONDS: '2', BENCH_ROUNDS: '1', BENCH_ROUND_SECONDS: '3', BENCH_TAPS: '60' },
  },
  { name: 'reminders', file: 'bench/reminders.ts', what: 'reminders delivered at the per-app rate limit', quickEnv: { BENCH_RECEPTIONS: '300' } },
  { name: 'statistics', file: 'bench/statistics.ts', what: '统计 <year> end to end and its queries, against queries on the raw tables', quickEnv: { BENCH_STAT_RECEPTIONS: '10000', BENCH_STAT_RUNS: '5' } },
  {
    name: 'hostile-files',
    file: 'bench/hostile-files.ts',
    what: 'a zip bomb, a 200,000-row workbook and a CSV with a 9.5 MB field sent in chat: /healthz stall, time to the answer, peak RSS',
    quickEnv: { BENCH_BOMB_MB: '512', BENCH_BIG_ROWS: '50000', BENCH_CSV_MB: '4' },
  },
  { name: 'places', file: 'bench/places.ts', what: '点位库: 10,000 sites and 1,000 routes imported, a request\'s itinerary built', quickEnv: { BENCH_PLACES_SITES: '2000', BENCH_PLACES_ROUTES: '200', BENCH_PLACES_RUNS: '10' } },
  { name: 'startup', file: 'bench/startup.ts', what: 'start-up to the first 200 from /healthz and idle RSS, against a bare node server', quickEnv: { BENCH_QUICK: '1' } },
];

async function serverVersion(): Promise<string> {
  const sql = postgres(BASE_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    const [{ server_version }] = await sql`show server_version`;
    return String(server_version);
  } catch (err) {
    return `unreachable (${(err as Error).message})`;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

let built = false;

function run(b: Bench): Promise<{ code: number | null; seconds: number }> {
  const t = performance.now();
  const env = { ...process.env, ...(quick ? b.quickEnv : {}), ...(write ? {} : { BENCH_NO_WRITE: '1' }), ...(built ? { BENCH_NO_BUILD: '1' } : {}) };
  // tsx from node_modules, in a process of its own: each benchmark starts and stops its own children.
  const child = spawn(process.execPath, ['--import', 'tsx', b.file], { env, stdio: 'inherit' });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, seconds: (performance.now() - t) / 1000 })));
}

async function main() {
  const started = performance.now();
  fs.mkdirSync('.tmp', { recursive: true });
  const selected = BENCHES.filter((b) => !only || only.includes(b.name));
  const loadBefore = os.loadavg()[0];
  // The start-up and webhook benchmarks measure the built output: a full run builds it here; a quick
  // run leaves it to them (ensureBuilt in bench/processes.ts builds only when dist/ is older than src/).
  if (!quick && selected.some((b) => b.name === 'startup' || b.name === 'webhook-ack')) {
    built = true;
    console.log('== build (npm run build)');
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
    if (build.status !== 0 && !fs.existsSync('dist/main.js')) throw new Error('build failed');
    if (build.status !== 0) console.warn('build reported type errors; measuring the emitted dist/ anyway');
  }
  const outcomes: { b: Bench; code: number | null; seconds: number }[] = [];
  for (const b of selected) {
    console.log(`\n== ${b.name}${quick ? ' (quick)' : ''}: ${b.what}`);
    outcomes.push({ b, ...(await run(b)) });
  }
  const total = (performance.now() - started) / 1000;
  const cpus = os.cpus();
  const header = [
    `Last \`npm run bench\`${quick ? ' -- --quick' : ''}: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${total.toFixed(0)} s in all.`,
    '',
    '| machine | |',
    '|---|---|',
    `| CPU | ${cpus[0]?.model.trim() ?? 'unknown'}, ${cpus.length} cores visible |`,
    `| memory | ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB |`,
    `| OS | ${os.type()} ${os.release()} (${os.arch()}) |`,
    `| Node | ${process.version} |`,
    `| PostgreSQL | ${await serverVersion()} on 127.0.0.1 |`,
    `| load average (1 min) | ${loadBefore.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end: other work on the machine skews the figures |`,
    '',
    '| benchmark | measures | took | outcome |',
    '|---|---|---|---|',
    ...outcomes.map((o) => `| \`${o.b.file}\` | ${o.b.what} | ${o.seconds.toFixed(0)} s | ${o.code === 0 ? 'finished' : `**failed (exit ${o.code})**: its section below is from an earlier run`} |`),
  ].join('\n');
  console.log(`\n${header}\n`);
  if (write) writeSection('machine', header);
  else console.log('(quick run: docs/performance.md left as it is; add --write to write it)');
  process.exit(outcomes.every((o) => o.code === 0) ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
