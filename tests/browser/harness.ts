// Shared startup for the browser tier: Debian's chromium, the real server on a free port with a
// fresh DATA_DIR, and small helpers the tests share. Only useSimulatorPage registers vitest hooks,
// and only in the file that calls it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const publicDir = path.join(root, 'src/platforms/simulator/public');
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

/** The people of the default org the walks act as, by role. */
export const PEOPLE = {
  staff: { id: 'ou_staff1', name: '王小明' },
  head: { id: 'ou_head1', name: '李建国' },
  office: { id: 'ou_office1', name: '赵敏' },
  leader: { id: 'ou_leader1', name: '陈副主任' },
  finance: { id: 'ou_fin1', name: '孙会计' },
} as const;
export type Who = keyof typeof PEOPLE;

/** The simulator page of a real server, open in Chromium for a whole test file (see useSimulatorPage). */
export interface SimulatorPage {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly server: Server;
  /** Uncaught page errors and unexpected dialogs so far (see watchErrors). */
  readonly errors: string[];
  /** Chooses a person in the sidebar and waits until their chat with the bot is open. */
  actAs(who: Who): Promise<void>;
  /** The last bot message whose card is titled exactly `title`. */
  cardMessage(title: string): Locator;
  /** Sends a message from the composer and waits for it to show as mine. */
  say(text: string): Promise<void>;
}

/**
 * Registers beforeAll/afterAll in the calling file: Chromium and the real server start, one
 * 1280×1000 zh-CN page opens the simulator and waits until it is ready; afterwards all of it is
 * closed and the server's DATA_DIR removed. The fields of the answer are there once beforeAll ran.
 */
export function useSimulatorPage(): SimulatorPage {
  let browser: Browser | undefined;
  let server: Server | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let errors: string[] = [];
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useSimulatorPage: the page is not open yet (used before beforeAll ran?)');
    return value;
  };

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    // Both settle before either failure is thrown, so afterAll stops a server whose browser failed.
    const [launched, started] = await Promise.allSettled([launchBrowser(), startServer()]);
    if (started.status === 'fulfilled') server = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    for (const r of [launched, started]) if (r.status === 'rejected') throw r.reason;
    context = await browser!.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'zh-CN' });
    page = await context.newPage();
    errors = watchErrors(page);
    await page.goto(`${server!.base}/`);
    await page.waitForSelector('body[data-ready="true"]');
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    stopServer(server);
  });

  const sim: SimulatorPage = {
    get page() {
      return ready(page);
    },
    get context() {
      return ready(context);
    },
    get server() {
      return ready(server);
    },
    get errors() {
      return errors;
    },
    async actAs(who) {
      const { id, name } = PEOPLE[who];
      await sim.page.locator('[data-testid="person-select"]').selectOption(id);
      await sim.page.locator(`[data-testid="chat-item"][data-chat-id="p2p:${id}"].active`).waitFor();
      expect(await sim.page.locator('[data-testid="person-info"]').innerText()).toContain(name);
    },
    cardMessage(title) {
      return sim.page.locator('.msg-bot[data-testid="message"]', { has: sim.page.locator('[data-testid="card"] .card-title', { hasText: new RegExp(`^${title}$`) }) }).last();
    },
    async say(text) {
      await sim.page.locator('[data-testid="composer-input"]').fill(text);
      await sim.page.locator('[data-testid="send-btn"]').click();
      await sim.page.locator('.msg-mine[data-testid="message"]', { hasText: text }).last().waitFor({ timeout: 10_000 });
    },
  };
  return sim;
}

/** What fillRequestForm writes into the 新建接待 form; the rest of the form is the same every time. */
export interface RequestFormValues {
  guestUnit: string;
  leadName: string;
  arriveDate: string;
  departDate: string;
  /** Fill the dates through `input[type="date"]` fields only (the form's date pickers). */
  datePickers?: boolean;
}

/** Fills the 新建接待 form card `formMsg`: a 处长 at 县处级正职 leading 5 on official business, 考察调研. */
export async function fillRequestForm(formMsg: Locator, v: RequestFormValues): Promise<void> {
  const date = v.datePickers ? 'input[type="date"]' : '';
  await formMsg.locator('[data-name="guest_unit"]').fill(v.guestUnit);
  await formMsg.locator('[data-name="lead_name"]').fill(v.leadName);
  await formMsg.locator('[data-name="lead_title"]').fill('处长');
  await formMsg.locator('select[data-name="lead_rank"]').selectOption('县处级正职');
  await formMsg.locator('[data-name="guest_count"]').fill('5');
  await formMsg.locator('select[data-name="kind"]').selectOption('公务');
  await formMsg.locator('select[data-name="purpose"]').selectOption('考察调研');
  await formMsg.locator(`${date}[data-name="arrive_date"]`).fill(v.arriveDate);
  await formMsg.locator(`${date}[data-name="depart_date"]`).fill(v.departDate);
  await formMsg.locator('[data-name="letter_no"]').fill('发改函〔2026〕12号');
}
