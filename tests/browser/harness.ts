// Shared startup for the browser tier: Debian's chromium, the real server on a free port with a
// fresh DATA_DIR, and small helpers the tests share. No vitest hooks here; each file owns its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const publicDir = path.join(root, 'src/bot/simulator/public');
export const fixturesDir = path.join(root, 'tests/browser/fixtures');
export const artifacts = path.join(root, 'tests/.artifacts');
export const CHROMIUM = '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  // Debian's chromium may still be being installed by apt when the suite starts.
  const deadline = Date.now() + 45_000;
  while (!existsSync(CHROMIUM)) {
    if (Date.now() > deadline) throw new Error(`${CHROMIUM} not found: install it with "apt-get install -y chromium"`);
    await new Promise((r) => setTimeout(r, 2_000));
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Collects uncaught page errors (and unexpected native dialogs) so a test can assert the page never threw. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('dialog', (d) => {
    errors.push(`unexpected dialog: ${d.message()}`);
    void d.dismiss();
  });
  return errors;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface Server {
  base: string;
  proc: ChildProcess;
  dataDir: string;
  output: () => string;
}

/**
 * Starts `npx tsx src/main.ts` on a free port with a fresh DATA_DIR (so the simulator's embedded
 * database starts empty), without Feishu credentials or DATABASE_URL from the environment, and
 * waits for GET /healthz.
 */
export async function startServer(): Promise<Server> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'jiedai-browser-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('FEISHU_') && !['DATABASE_URL', 'ORG_FILE', 'POLICY_FILE', 'PORT', 'DATA_DIR'].includes(k) && !k.startsWith('VITEST')) env[k] = v;
  Object.assign(env, { PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'test' });
  const proc = spawn('npx', ['tsx', 'src/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const server: Server = { base: `http://127.0.0.1:${port}`, proc, dataDir, output: () => out.slice(-3000) };
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`the server (npx tsx src/main.ts) exited with code ${proc.exitCode} before /healthz answered:\n${server.output()}`);
    try {
      const res = await fetch(`${server.base}/healthz`);
      if (res.status === 200) return server;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  stopServer(server);
  throw new Error(`the server (npx tsx src/main.ts) did not answer GET /healthz with 200 within 45 s:\n${server.output()}`);
}

export function stopServer(server: Server | undefined): void {
  if (!server) return;
  try {
    if (server.proc.exitCode === null && server.proc.pid) process.kill(-server.proc.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  rmSync(server.dataDir, { recursive: true, force: true });
}

/** Today plus `daysFromNow`, as YYYY-MM-DD in the test machine's local time. */
export function isoDate(daysFromNow: number): string {
  const d = new Date(Date.now() + daysFromNow * 86_400_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
