// Child processes of a benchmark: each in its own process group, so stopping one stops npx, tsx and
// the node process under them (a plain kill left orphans that skewed later runs).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import postgres from 'postgres';

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Builds dist/ when it is missing or older than src/ (or always, BENCH_BUILD=1); type errors from
 * work in progress elsewhere only warn, since tsc emits anyway.
 */
export function ensureBuilt(): void {
  const fresh = fs.existsSync('dist/main.js') && fs.statSync('dist/main.js').mtimeMs >= newestMtime('src');
  if (process.env.BENCH_BUILD !== '1' && (fresh || (process.env.BENCH_NO_BUILD === '1' && fs.existsSync('dist/main.js')))) return;
  console.log('building dist/ (npm run build)…');
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: process.cwd(), encoding: 'utf8' });
  if (b.status !== 0) {
    if (!fs.existsSync('dist/main.js')) throw new Error(`build failed:\n${b.stdout}${b.stderr}`);
    console.warn(`build reported errors; measuring the emitted dist/ anyway:\n${(b.stdout + b.stderr).slice(0, 1500)}`);
  }
}

export const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const children: ChildProcess[] = [];
const byName = new Map<string, ChildProcess>();

/**
 * Starts `node <file.js>` or `node --import tsx <file.ts>`; resolves with the `{"url": …}` line it prints when `waitForUrl`, else at once.
 * `BENCH_PROFILE=<name>` runs that process under `node --cpu-prof` (profile in .tmp/prof on exit).
 */
export function start(name: string, args: string[], env: Record<string, string>, waitForUrl = false): Promise<string> {
  const profile = process.env.BENCH_PROFILE === name;
  // A built file runs on plain node, as in production; a TypeScript source under tsx.
  const built = args[0]?.endsWith('.js');
  const prof = profile ? ['--cpu-prof', '--cpu-prof-dir=.tmp/prof'] : [];
  const probe = probeFile(name) ? ['--import', path.resolve('bench/probe.mjs')] : [];
  const [cmd, ...pre] = [process.execPath, ...prof, ...probe, ...(built ? [] : ['--import', 'tsx'])];
  const child = spawn(cmd, [...pre, ...args], { env: { ...process.env, ...env, ...(probe.length ? { BENCH_PROBE_FILE: probeFile(name)! } : {}) }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  byName.set(name, child);
  let out = '';
  // Everything a child prints is kept in .tmp/bench-<name>.log, to read after a run.
  fs.mkdirSync('.tmp', { recursive: true });
  const logFile = fs.createWriteStream(`.tmp/bench-${name.replace(/\W+/g, '-')}.log`);
  child.stdout!.pipe(logFile);
  child.stderr!.on('data', (d) => {
    out += d;
    logFile.write(d);
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const line = String(d).split('\n').find((l) => l.startsWith('{"url"'));
      if (line) resolve(JSON.parse(line).url);
    });
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code}:\n${out}`)));
    if (!waitForUrl) resolve('');
  });
}

function signal(c: ChildProcess, sig: NodeJS.Signals) {
  try {
    if (c.pid) process.kill(-c.pid, sig);
  } catch {
    /* already gone */
  }
}

/** Where a process started with `probe: true` in `probed` writes its event-loop and GC figures (bench/probe.mjs). */
const probed = new Map<string, string>();
function probeFile(name: string): string | undefined {
  return probed.get(name);
}

/** Starts the named process (when it is started next) with bench/probe.mjs preloaded; returns its reader. */
export function probe(name: string): { reset(): Promise<void>; read(): Promise<ProbeStats> } {
  const file = path.resolve('.tmp', `probe-${name.replace(/\W+/g, '-')}.json`);
  probed.set(name, file);
  const ask = async (): Promise<ProbeStats> => {
    const pid = byName.get(name)?.pid;
    if (!pid) throw new Error(`${name} is not running`);
    fs.rmSync(file, { force: true });
    // The probe answers SIGUSR2 with the figures since the last signal, then starts afresh.
    process.kill(pid, 'SIGUSR2');
    for (let i = 0; i < 100 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 20));
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ProbeStats;
  };
  return { reset: async () => void (await ask()), read: ask };
}

/** What bench/probe.mjs reports for a span of time. */
export interface ProbeStats {
  seconds: number;
  loopDelay: { p50: number; p99: number; max: number };
  gc: { count: number; totalMs: number; maxMs: number; byKind: Record<string, { count: number; totalMs: number; maxMs: number }> };
  cpuMs: number;
}

export async function stopAll(): Promise<void> {
  for (const c of children) signal(c, 'SIGTERM');
  // A profiled process writes its profile on the way out, which takes a while.
  const grace = process.env.BENCH_PROFILE ? 40_000 : 1500;
  await Promise.race([Promise.all(children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once('exit', r))))), new Promise((r) => setTimeout(r, grace))]);
  for (const c of children) signal(c, 'SIGKILL');
}

export async function healthy(url: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} never became healthy`);
}

/** Fresh databases on the benchmark's PostgreSQL server, dropped by `drop()`. */
export async function databases(names: string[]) {
  const admin = postgres(BASE_URL, { max: 1, onnotice: () => {} });
  for (const d of names) await admin.unsafe(`create database ${d}`);
  const [{ server_version }] = await admin`show server_version`;
  return {
    url: (name: string) => Object.assign(new URL(BASE_URL), { pathname: `/${name}` }).toString(),
    serverVersion: String(server_version),
    drop: async () => {
      for (const d of names) await admin.unsafe(`drop database if exists ${d} with (force)`).catch(() => undefined);
      await admin.end();
    },
  };
}

/**
 * CPU time (user + system, ms) used so far and resident memory (MB) of the processes `which` picks,
 * by process group id and command name, from /proc; NaN where /proc is not there.
 */
export function procStats(which: (pgid: number, comm: string) => boolean): { cpuMs: number; rssMb: number } {
  if (!fs.existsSync('/proc/self/stat')) return { cpuMs: NaN, rssMb: NaN };
  const tick = 10; // USER_HZ is 100 on Linux
  let cpuMs = 0;
  let kb = 0;
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (!which(Number(f[2]), comm)) continue;
      cpuMs += (Number(f[11]) + Number(f[12])) * tick;
      kb += Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      /* the process ended while we read */
    }
  }
  return { cpuMs, rssMb: kb / 1024 };
}

/** CPU time (ms) used so far by every process in a started child's process group (npx, tsx and the node process under them). */
export function cpuMs(name: string): number {
  const pgid = byName.get(name)?.pid;
  return pgid ? procStats((g) => g === pgid).cpuMs : NaN;
}

/** CPU time (ms) used so far by the PostgreSQL server's processes on this machine (backends of every database, and its own workers). */
export const postgresCpuMs = (): number => procStats((_, comm) => comm === 'postgres').cpuMs;

/**
 * Replaces the block between a benchmark's markers in docs/performance.md. Not in a quick run
 * (`npm run bench -- --quick`, BENCH_NO_WRITE=1): its short figures would replace the full ones.
 */
export function writeSection(marker: string, table: string): void {
  const doc = 'docs/performance.md';
  if (process.env.BENCH_NO_WRITE === '1') {
    console.log(`(quick run: not written to ${doc})`);
    return;
  }
  const begin = `<!-- bench:${marker}:begin -->`;
  const end = `<!-- bench:${marker}:end -->`;
  const text = fs.readFileSync(doc, 'utf8');
  if (!text.includes(begin)) return;
  fs.writeFileSync(doc, text.replace(new RegExp(`${begin}[\\s\\S]*${end}`), `${begin}\n${table}\n${end}`));
  console.log(`written to ${doc}`);
}

/** Runs a benchmark's main and exits: 0 when it finished, 1 (after stopping its children) when it threw. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    async (err) => {
      console.error(err);
      await stopAll();
      process.exit(1);
    },
  );
}
