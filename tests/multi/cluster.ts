// Several real bot processes on one PostgreSQL database behind nginx on loopback, for the
// multi-instance and fault tests: each instance is `node --import tsx src/main.ts` in webhook mode,
// pointed at a fake Feishu that runs in the test process (so the test reads its record and injects
// faults), and can be SIGKILLed and started again.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { createDatabase } from '../../src/db/client.js';
import { DEFAULT_APP_ID, DEFAULT_APP_SECRET, DEFAULT_VERIFICATION_TOKEN, signedRequest } from '../fake-feishu/index.js';

export const ENCRYPT_KEY = 'multi-encrypt-key';
export const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Is a PostgreSQL server there to create databases on? */
export async function pgAvailable(): Promise<boolean> {
  const sql = postgres(PG_URL, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

export const nginxPath = (): string | undefined => ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p));

/** A fresh database on the server, migrated once here (so instances starting together never race to migrate). */
export async function freshDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `jd_multi_${randomBytes(5).toString('hex')}`;
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = Object.assign(new URL(PG_URL), { pathname: `/${name}` }).toString();
  const d = await createDatabase({ databaseUrl: url, max: 1 });
  await d.migrate();
  await d.close();
  return {
    name,
    url,
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => undefined);
      await admin.end({ timeout: 5 });
    },
  };
}

/**
 * An org with `departments` departments, each with `staffPer` members of staff (ou_s<d>_<k>) and a
 * head (ou_h<d>); the office director ou_dir and the supervising leader ou_lead: every request climbs
 * head → director → leader.
 */
export function writeOrg(dir: string, departments: number, staffPer: number): string {
  const depts = Array.from({ length: departments }, (_, i) => i);
  const staff = (d: number) => Array.from({ length: staffPer }, (_, k) => `  - { id: ou_s${d}_${k}, name: 经办人${d}-${k}, department: 部门${d} }`).join('\n');
  const text = `unit: 多实例测试单位
people:
${depts.map((d) => `${staff(d)}\n  - { id: ou_h${d}, name: 负责人${d}, department: 部门${d} }`).join('\n')}
  - { id: ou_dir, name: 赵敏, department: 办公室 }
  - { id: ou_off, name: 钱进, department: 办公室 }
  - { id: ou_lead, name: 陈副主任, department: 管委会领导 }
  - { id: ou_fin, name: 孙会计, department: 财政金融局 }
departments:
${depts.map((d) => `  - { name: 部门${d}, head: ou_h${d}, supervisor: ou_lead }`).join('\n')}
  - { name: 办公室, head: ou_dir, supervisor: ou_lead }
reception_office: { director: ou_dir, staff: [ou_off], chat_id: oc_office }
finance: [ou_fin]
`;
  const file = path.join(dir, 'org.yaml');
  fs.writeFileSync(file, text);
  return file;
}

export interface Instance {
  name: string;
  port: number;
  url: string;
  child?: ChildProcess;
  logFile: string;
  starts: number;
  start(): Promise<void>;
  /** SIGKILL: no shutdown hook runs, in-flight transactions are rolled back by PostgreSQL. */
  kill(): Promise<void>;
  /** SIGTERM and wait (a clean stop). */
  stop(): Promise<void>;
  log(): string;
}

export async function healthy(url: string, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      /* starting */
    }
    await sleep(200);
  }
  throw new Error(`${url} never became healthy`);
}

/** One bot process: `node --import tsx src/main.ts`, webhook mode, logs to a file. */
export function instance(name: string, port: number, env: Record<string, string>, dir: string): Instance {
  const logFile = path.join(dir, `${name}.log`);
  const exited = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once('exit', () => r())));
  const inst: Instance = {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    logFile,
    starts: 0,
    async start() {
      const out = fs.openSync(logFile, 'a');
      fs.writeSync(out, `--- start ${++inst.starts} at ${new Date().toISOString()}\n`);
      inst.child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: ROOT,
        env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', ...env },
        stdio: ['ignore', out, out],
      });
      fs.closeSync(out);
      const child = inst.child;
      const died = new Promise<never>((_, reject) => child.once('exit', (code, sig) => reject(new Error(`${name} exited (${code ?? sig}) while starting:\n${inst.log().slice(-3000)}`))));
      died.catch(() => undefined);
      await Promise.race([healthy(inst.url), died]);
    },
    async kill() {
      const c = inst.child;
      if (!c) return;
      c.kill('SIGKILL');
      await exited(c);
    },
    async stop() {
      const c = inst.child;
      if (!c) return;
      c.kill('SIGTERM');
      await Promise.race([exited(c), sleep(20_000)]);
      c.kill('SIGKILL');
      await exited(c);
    },
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
  };
  return inst;
}

/** The environment every instance shares: the database, the fake Feishu, the org. */
export function botEnv(opts: { databaseUrl: string; feishuUrl: string; orgFile: string }): Record<string, string> {
  return {
    DATABASE_URL: opts.databaseUrl,
    FEISHU_MODE: 'webhook',
    FEISHU_APP_ID: DEFAULT_APP_ID,
    FEISHU_APP_SECRET: DEFAULT_APP_SECRET,
    FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
    FEISHU_VERIFICATION_TOKEN: DEFAULT_VERIFICATION_TOKEN,
    FEISHU_BASE_URL: opts.feishuUrl,
    ORG_FILE: opts.orgFile,
    DATA_DIR: 'memory://',
  };
}

export interface Nginx {
  url: string;
  port: number;
  stop(): Promise<void>;
  errorLog(): string;
}

/**
 * nginx in the foreground (`daemon off;`) with everything in `dir`: round robin over the instances;
 * a refused or failed connection goes to the next instance (`proxy_next_upstream error timeout
 * http_502`). A POST the upstream received and then died on is not re-sent by nginx (not idempotent):
 * the client gets a 502 and sends it again, as Feishu does with an event that got no 200.
 */
export async function startNginx(dir: string, upstreamPorts: number[]): Promise<Nginx> {
  const bin = nginxPath();
  if (!bin) throw new Error('nginx is not installed (apt-get install nginx)');
  const port = await freePort();
  const prefix = path.join(dir, 'nginx');
  fs.mkdirSync(prefix, { recursive: true });
  fs.chmodSync(dir, 0o755);
  const p = (f: string) => path.join(prefix, f);
  const conf = `
daemon off;
master_process on;
worker_processes 1;
${process.getuid?.() === 0 ? 'user root;' : ''}
pid ${p('nginx.pid')};
error_log ${p('error.log')} warn;
events { worker_connections 1024; }
http {
  access_log ${p('access.log')};
  client_body_temp_path ${p('client_body')};
  proxy_temp_path ${p('proxy')};
  fastcgi_temp_path ${p('fastcgi')};
  uwsgi_temp_path ${p('uwsgi')};
  scgi_temp_path ${p('scgi')};
  upstream jiedai {
${upstreamPorts.map((u) => `    server 127.0.0.1:${u} max_fails=1 fail_timeout=2s;`).join('\n')}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 1m;
    location / {
      proxy_pass http://jiedai;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_connect_timeout 2s;
      proxy_read_timeout 20s;
      proxy_next_upstream error timeout http_502;
      proxy_next_upstream_tries 3;
    }
  }
}
`;
  const confFile = p('nginx.conf');
  fs.writeFileSync(confFile, conf);
  // -e: the startup error log too, so nothing is written outside `dir` (nor needs /var/log/nginx).
  const args = ['-e', p('error.log'), '-c', confFile, '-p', prefix];
  const test = spawnSync(bin, ['-t', ...args], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`nginx -t failed:\n${test.stderr}`);
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  const end = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited ${child.exitCode}: ${stderr}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() > end) throw new Error(`nginx did not listen on ${port}: ${stderr}`);
    await sleep(100);
  }
  return {
    url,
    port,
    errorLog: () => (fs.existsSync(p('error.log')) ? fs.readFileSync(p('error.log'), 'utf8') : ''),
    async stop() {
      if (child.exitCode !== null) return;
      // SIGQUIT is nginx's graceful stop; SIGTERM its fast one.
      child.kill('SIGTERM');
      await Promise.race([new Promise((r) => child.once('exit', r)), sleep(5_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

export interface Delivery {
  /** HTTP status of the answer that counted (200), after `attempts` tries. */
  status: number;
  body: Record<string, unknown>;
  attempts: number;
}

/**
 * Delivers one webhook payload as Feishu does: signed and encrypted, re-sent with the same event id
 * (freshly signed) until it gets a 200, at most `tries` times.
 */
export async function deliver(url: string, payload: unknown, opts: { tries?: number; timeoutMs?: number; pauseMs?: number } = {}): Promise<Delivery> {
  const tries = opts.tries ?? 30;
  let last = '';
  for (let attempt = 1; attempt <= tries; attempt++) {
    const req = signedRequest(payload, { encryptKey: ENCRYPT_KEY });
    try {
      const res = await fetch(`${url}/feishu/events`, { method: 'POST', headers: req.headers, body: req.body, signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000) });
      const text = await res.text();
      if (res.status === 200) return { status: 200, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, attempts: attempt };
      last = `HTTP ${res.status} ${text.slice(0, 200)}`;
    } catch (err) {
      last = String((err as Error).message ?? err);
    }
    await sleep(opts.pauseMs ?? 500);
  }
  throw new Error(`no 200 after ${tries} deliveries: ${last}`);
}
