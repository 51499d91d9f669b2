// npm run bench (start-up): the time from spawning one instance to the first 200 from /healthz, and
// its idle memory (RSS) once start-up has settled, for the production path (`node dist/main.js`,
// built first) on PGlite and on PostgreSQL, and for contrast from the sources under tsx (`npm start`).
// Side by side in the same run: a baseline (bench/startup-baseline.mjs: plain node, express, the same
// database opened and pinged). Several rounds, interleaved; each figure is the median with min and max.
//
// Env: BENCH_STARTUP_RUNS (rounds, default 3), BENCH_SETTLE_MS (idle time before RSS is read,
// default 8000), BENCH_NO_BUILD=1 (use dist/ as it is), BENCH_QUICK=1 (2 rounds, 1 s settle; the
// first starts once, no tsx rows, no first-start baseline, no small-heap row).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_APP_ID, DEFAULT_APP_SECRET, startFakeFeishu } from '../tests/fake-feishu/index.js';
import { databases, ensureBuilt, procStats, runBench, writeSection } from './processes.js';

const QUICK = process.env.BENCH_QUICK === '1';
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? (QUICK ? 2 : 3));
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? (QUICK ? 1_000 : 8_000));
/** A smaller young generation: fewer MB resident, more frequent scavenges (not measured under load here). */
const SMALL_HEAP = '--max-semi-space-size=1';
const TARGET = { pgliteMs: 10_000, postgresMs: 3_000, rssMb: 150, newcomerFirstMb: 300, newcomerRestartMb: 250 };
const root = process.cwd();

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * RSS (MB) and CPU time so far (user + system, ms) of every process in the group led by `pgid` (tsx
 * runs the bot in a child node process), from /proc. The CPU time hardly depends on what else the
 * machine is doing, the wall-clock time does: on a shared machine it shows what start-up would take
 * on an idle one.
 */
const group = (pgid: number): { rssMb: number; cpuMs: number } => procStats((g) => g === pgid);

/**
 * RSS (MB) of the server process alone in the group led by `pgid`: the largest process whose command
 * line names main.ts or main.js (npm, sh and tsx's own parent process are not the server).
 */
function serverRssMb(pgid: number): number {
  let kb = 0;
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) !== pgid) continue;
      if (!/main\.(ts|js)/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) continue;
      kb = Math.max(kb, Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0));
    } catch {
      /* the process ended while we read */
    }
  }
  return kb / 1024;
}

/** `tsx`: what `npm start` ran until this round; `npm`: `npm start` as it is now (a fast build, then node dist/main.js). */
type Runner = 'dist' | 'tsx' | 'npm' | 'baseline';
const COMMAND: Record<Runner, string[]> = {
  dist: [process.execPath, 'dist/main.js'],
  tsx: [path.join('node_modules', '.bin', 'tsx'), 'src/main.ts'],
  npm: ['npm', 'start', '--silent'],
  baseline: [process.execPath, 'bench/startup-baseline.mjs'],
};

interface Measured {
  ms: number;
  cpuMs: number;
  rssMb?: number;
  /** RSS of the server process alone (see serverRssMb). */
  serverMb?: number;
  stopMs: number;
  exitCode: number | null;
}

/** Spawns, polls /healthz every 20 ms until a 200, optionally waits and reads RSS, then SIGTERMs and waits for the exit. */
async function measure(runner: Runner, env: Record<string, string>, rss: boolean): Promise<Measured> {
  const port = await freePort();
  const [cmd, ...args] = COMMAND[runner];
  const t0 = performance.now();
  const child: ChildProcess = spawn(cmd, args, { cwd: root, env: { ...process.env, NODE_OPTIONS: '', ...env, PORT: String(port), LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const kill = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      /* gone */
    }
  };
  try {
    let ms = NaN;
    while (!gone && performance.now() - t0 < 120_000) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
        if (res.status === 200) {
          ms = performance.now() - t0;
          break;
        }
      } catch {
        /* not yet listening */
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    if (Number.isNaN(ms)) throw new Error(`${runner} never answered 200 on /healthz:\n${err}`);
    const { cpuMs } = group(child.pid!);
    let rssMb: number | undefined;
    let serverMb: number | undefined;
    if (rss) {
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      rssMb = group(child.pid!).rssMb;
      serverMb = serverRssMb(child.pid!);
    }
    const s0 = performance.now();
    kill('SIGTERM');
    const exitCode = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 20_000))]);
    return { ms, cpuMs, rssMb, serverMb, stopMs: performance.now() - s0, exitCode };
  } finally {
    kill('SIGKILL');
  }
}

interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}
const summary = (xs: number[]): Summary => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median: mid, min: s[0], max: s[s.length - 1], n: s.length };
};

async function main() {
  ensureBuilt();
  const suffix = randomBytes(4).toString('hex');
  const names = Array.from({ length: RUNS }, (_, i) => `jd_bench_start_${suffix}_${i}`);
  const pg = await databases(names);
  const fake = await startFakeFeishu({ checkUserText: false });
  const tmp = path.resolve('.tmp', `bench-startup-${suffix}`);
  fs.mkdirSync(tmp, { recursive: true });
  const feishu = { FEISHU_APP_ID: DEFAULT_APP_ID, FEISHU_APP_SECRET: DEFAULT_APP_SECRET, FEISHU_ENCRYPT_KEY: 'bench-encrypt-key', FEISHU_MODE: 'webhook', FEISHU_BASE_URL: fake.url };
  const results = new Map<string, Measured[]>();
  const add = (key: string, m: Measured) => results.set(key, [...(results.get(key) ?? []), m]);
  const started = performance.now();

  try {
    for (let i = 0; i < RUNS; i++) {
      console.log(`round ${i + 1} of ${RUNS}…`);
      // Quick runs make one data directory and one database in the first round and restart on them after.
      const lite = { DATA_DIR: path.join(tmp, `lite-${QUICK ? 0 : i}`) };
      const server = { DATABASE_URL: pg.url(names[QUICK ? 0 : i]) };
      // First starts: an empty data directory / database (PGlite's initdb, all migrations).
      if (!QUICK || i === 0) {
        add('dist pglite first', await measure('dist', { ...feishu, ...lite }, false));
        add('dist postgres first', await measure('dist', { ...feishu, ...server }, false));
      }
      if (!QUICK) add('baseline pglite first', await measure('baseline', { DATA_DIR: path.join(tmp, `base-${i}`) }, false));
      // Restarts on the migrated database: what a deploy or a crash costs. Idle RSS is read on these.
      // The PGlite baseline opens jiedai's own data directory.
      add('dist pglite', await measure('dist', { ...feishu, ...lite }, true));
      add('baseline pglite', await measure('baseline', lite, true));
      add('dist postgres', await measure('dist', { ...feishu, ...server }, true));
      add('baseline postgres', await measure('baseline', server, true));
      if (!QUICK) {
        add('dist postgres small', await measure('dist', { ...feishu, ...server, NODE_OPTIONS: SMALL_HEAP }, true));
        add('tsx pglite', await measure('tsx', { ...feishu, ...lite }, true));
        add('tsx postgres', await measure('tsx', { ...feishu, ...server }, true));
      }
      // A newcomer's first run: nothing configured (the simulator), an empty data directory, then a
      // restart on it; the old `npm start` (tsx) and today's, side by side.
      for (const runner of ['tsx', 'npm'] as const) {
        const dir = { DATA_DIR: path.join(tmp, `newcomer-${runner}-${i}`) };
        add(`${runner} newcomer first`, await measure(runner, dir, true));
        add(`${runner} newcomer`, await measure(runner, dir, true));
      }
    }
  } finally {
    await fake.close();
    await pg.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const s = (key: string, f: (m: Measured) => number | undefined) => summary((results.get(key) ?? []).map(f).filter((x): x is number => x !== undefined));
  const time = (key: string) => s(key, (m) => m.ms);
  const cpu = (key: string) => s(key, (m) => m.cpuMs);
  const rss = (key: string) => s(key, (m) => m.rssMb);
  const serverRss = (key: string) => s(key, (m) => m.serverMb);
  const sec = (x: number) => `${(x / 1000).toFixed(2)} s`;
  const mb = (x: number) => `${x.toFixed(0)} MB`;
  const fmt = (x: Summary, f: (v: number) => string) => `**${f(x.median)}** | ${f(x.min)} | ${f(x.max)}`;
  const ratio = (a: Summary, b: Summary) => `${(a.median / b.median).toFixed(2)}×`;
  const met = (x: number, target: number) => (x <= target ? 'met' : '**missed**');
  // The production path's exit codes (tsx answers a signal to its process group with 143 itself).
  const exits = [...results.entries()].filter(([k]) => k.startsWith('dist')).flatMap(([, ms]) => ms.map((m) => m.exitCode));
  const cleanExits = exits.filter((c) => c === 0).length;

  const startRows: [string, string, string, number?][] = [
    ['`node dist/main.js`, PGlite, empty data directory (initdb + all migrations)', 'dist pglite first', 'baseline pglite first', TARGET.pgliteMs],
    ['`node dist/main.js`, PGlite, restart (migrated)', 'dist pglite', 'baseline pglite', TARGET.pgliteMs],
    ['`tsx src/main.ts` (`npm start`), PGlite, restart', 'tsx pglite', 'baseline pglite'],
    ['`node dist/main.js`, PostgreSQL, empty database (all migrations)', 'dist postgres first', 'baseline postgres', TARGET.postgresMs],
    ['`node dist/main.js`, PostgreSQL, restart (migrated)', 'dist postgres', 'baseline postgres', TARGET.postgresMs],
    ['`tsx src/main.ts` (`npm start`), PostgreSQL, restart', 'tsx postgres', 'baseline postgres'],
  ];
  const rssRows: [string, string, string, number?][] = [
    ['`node dist/main.js`, PostgreSQL', 'dist postgres', 'baseline postgres', TARGET.rssMb],
    ['`node dist/main.js`, PGlite', 'dist pglite', 'baseline pglite', TARGET.rssMb],
    [`\`node ${SMALL_HEAP} dist/main.js\`, PostgreSQL`, 'dist postgres small', 'baseline postgres', TARGET.rssMb],
    ['`tsx src/main.ts`, PostgreSQL', 'tsx postgres', 'baseline postgres'],
    ['`tsx src/main.ts`, PGlite', 'tsx pglite', 'baseline pglite'],
  ];
  const table = [
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC${QUICK ? ' (quick)' : ''} · PostgreSQL ${pg.serverVersion} on 127.0.0.1 · webhook mode · ${RUNS} rounds, interleaved · RSS read ${(SETTLE_MS / 1000).toFixed(0)} s after the first 200 · this benchmark took ${((performance.now() - started) / 1000).toFixed(0)} s`,
    '',
    '| start-up to the first 200 from `/healthz` | median | min | max | baseline median | ratio | CPU time (median) | baseline CPU | target |',
    '|---|---|---|---|---|---|---|---|---|',
    ...startRows
      .filter(([, key]) => results.has(key))
      .map(([label, key, base, target]) => {
        const t = time(key);
        const b = results.has(base) ? time(base) : undefined;
        const c = cpu(key);
        const bc = results.has(base) ? sec(cpu(base).median) : '—';
        return `| ${label} | ${fmt(t, sec)} | ${b ? sec(b.median) : '—'} | ${b ? ratio(t, b) : '—'} | ${sec(c.median)} | ${bc} | ${target ? `≤ ${sec(target)}: ${met(t.median, target)}` : '—'} |`;
      }),
    '',
    '| idle RSS of one instance (whole process group) | median | min | max | baseline median | ratio | target |',
    '|---|---|---|---|---|---|---|',
    ...rssRows.filter(([, key]) => results.has(key)).map(([label, key, base, target]) => {
      const r = rss(key);
      return `| ${label} | ${fmt(r, mb)} | ${mb(rss(base).median)} | ${ratio(r, rss(base))} | ${target ? `≤ ${target} MB: ${met(r.median, target)}` : '—'} |`;
    }),
    '',
    '| `npm start` with nothing configured (the simulator, PGlite): RSS of the server process | median | min | max | target |',
    '|---|---|---|---|---|',
    ...(
      [
        ['before: `tsx src/main.ts`, empty data directory (first boot)', 'tsx newcomer first'],
        ['after: `npm start` (fast build, then `node --optimize-for-size --v8-pool-size=1 dist/main.js`), first boot', 'npm newcomer first', TARGET.newcomerFirstMb],
        ['before: `tsx src/main.ts`, restart', 'tsx newcomer'],
        ['after: `npm start`, restart', 'npm newcomer', TARGET.newcomerRestartMb],
      ] as [string, string, number?][]
    )
      .filter(([, key]) => results.has(key))
      .map(([label, key, target]) => `| ${label} | ${fmt(serverRss(key), mb)} | ${target ? `≤ ${target} MB: ${met(serverRss(key).median, target)}` : '—'} |`),
    '',
    `CPU time: user + system time of the process (group) from /proc up to the first 200; on a shared machine the wall-clock time also holds the time spent waiting for a core (load average ${os.loadavg()[0].toFixed(1)} at the end of this benchmark on ${os.cpus().length} cores), the CPU time does not. ` +
      `Baselines: plain node running express and answering \`/healthz\` after a \`select 1\` on the same kind of database (on a restart the PGlite baseline opens jiedai's migrated data directory; its first start initialises a directory of its own). ` +
      `Graceful stop of an idle instance (SIGTERM to exit): median ${sec(summary([...results.entries()].filter(([k]) => k.startsWith('dist')).flatMap(([, m]) => m.map((x) => x.stopMs))).median)}; ${cleanExits} of ${exits.length} stops of \`node dist/main.js\` exited 0.`,
  ].join('\n');
  console.log(`\n${table}\n`);
  writeSection('startup', table);
}

runBench(main);
