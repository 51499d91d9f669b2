// The security suite, issue 22: what a probe of the running server found, each now refused.
// 1. A half-configured production start is refused; the simulator listens on 127.0.0.1 only and
//    says so; a link signed with the old constant key is refused; the start-up log walks the checklist.
// 2. Files are read under limits: a zip bomb, a CSV with one enormous field and a workbook of
//    200,000 rows are refused naming the limit, with the process's memory bounded.
// 3. The simulator's upload takes only a same-origin multipart post.
// 4. Bad parameters are 400s (no SQL error, nothing logged at error level); a payload nested too
//    deep is refused before it is stored.
// 5. The pages carry their CSP, no framing, no referrer, and the form page no caching.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import pino from 'pino';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { appKeys, inboundEvents, ledgerImports, simImages } from '../../src/db/schema/index.js';
import { signLink } from '../../src/lib/signed-link.js';
import { loadOrg } from '../../src/org/org.js';
import { createDingTalkFormRoutes } from '../../src/platforms/dingtalk/form-page.js';
import { signForm, tokenKey } from '../../src/platforms/dingtalk/tokens.js';
import { JSAPI_CDN } from '../../src/platforms/dingtalk/jsapi.js';
import type { Pipeline } from '../../src/chat/pipeline.js';
import { CHAT_MAX_ROWS } from '../../src/statistics/ledger-chat.js';
import { readLedgerFile } from '../../src/statistics/ledger-read.js';
import { bigLedgerXlsx, hugeFieldCsv, zipBombXlsx } from '../fixtures/hostile-files.js';
import { startSecureBot } from './secure-bot.js';

const OFFICE = 'ou_office1'; // 赵敏, office director
const STAFF1 = 'ou_staff1';
const json = { 'content-type': 'application/json' };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jiedai-hardening-'));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The simulator bot as `npm start` makes it: no host option, so the configuration decides. */
async function simulatorBot(env: Record<string, string> = {}, logLines: string[] = []): Promise<App> {
  const log = pino({ level: 'info' }, { write: (s: string) => void logLines.push(s) });
  return startApp(loadConfig({ PORT: '0', DATA_DIR: 'memory://', ...env }), { log, background: false, outboxPollMs: 100 });
}

let bot: App;
const botLog: string[] = [];

beforeAll(async () => {
  bot = await simulatorBot({}, botLog);
});
afterAll(async () => {
  await bot?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function say(user: string, text: string) {
  const res = await fetch(`${bot.url}/sim/api/messages`, { method: 'POST', headers: json, body: JSON.stringify({ user, text }) });
  expect(res.status).toBe(200);
  await bot.pipeline.idle();
  await bot.outbox.drain();
}

/** What the bot last said to `user`, as text (a card's JSON). */
async function lastBotMessage(user: string): Promise<string> {
  const { messages } = (await (await fetch(`${bot.url}/sim/api/messages?user=${user}`)).json()) as { messages: { sender: string; content: unknown }[] };
  return JSON.stringify(messages.filter((m) => m.sender === 'bot').at(-1)?.content ?? '');
}

async function sendFile(user: string, name: string, bytes: Buffer, headers: Record<string, string> = {}): Promise<Response> {
  const form = new FormData();
  form.set('user', user);
  form.set('name', name);
  form.set('file', new Blob([new Uint8Array(bytes)]), name);
  return fetch(`${bot.url}/sim/api/upload`, { method: 'POST', body: form, headers });
}

/** 导入台账, then the file: the bot's answer once the outbox has read it. */
async function importInChat(name: string, bytes: Buffer): Promise<string> {
  await say(OFFICE, '导入台账');
  const res = await sendFile(OFFICE, name, bytes);
  expect(res.status).toBe(200);
  await bot.pipeline.idle();
  await bot.outbox.drain(60_000);
  return lastBotMessage(OFFICE);
}

const errorLines = (lines: string[]) => lines.filter((l) => (JSON.parse(l) as { level: number }).level >= 50);

// ---------------------------------------------------------------------------------------------

describe('1. fail closed', () => {
  it('refuses to start with FEISHU_MODE, FEISHU_ENCRYPT_KEY and PUBLIC_URL on a PostgreSQL database but no FEISHU_APP_ID, saying why', async () => {
    const port = await freePort();
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/jd_i22_never_opened',
      FEISHU_MODE: 'webhook',
      FEISHU_ENCRYPT_KEY: 'a-real-encrypt-key',
      PUBLIC_URL: 'https://jiedai.example.gov.cn',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(out).toContain('FEISHU_APP_ID, FEISHU_APP_SECRET: required, because FEISHU_ENCRYPT_KEY, FEISHU_MODE are set');
    expect(out).not.toContain('jiedai started');
    // Nothing was listening.
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('runs the simulator on 127.0.0.1 only, says so in one line, and walks the production checklist in the start-up log', async () => {
    const lines = botLog.map((l) => JSON.parse(l) as { level: number; msg: string; host?: string; check?: string });
    expect(lines.find((l) => l.msg === 'jiedai started')?.host).toBe('127.0.0.1');
    const notice = lines.filter((l) => l.msg.startsWith('local simulator, not for production'));
    expect(notice).toHaveLength(1);
    expect(notice[0].msg).toMatch(/^local simulator, not for production: open http:\/\/127\.0\.0\.1:\d+\/ \(listening on 127\.0\.0\.1 only; set HOST to change\)$/);
    expect(lines.filter((l) => l.check).map((l) => l.msg.replace(/,.*/, ''))).toEqual([
      'checklist 1/8 messenger: NOT READY',
      'checklist 2/8 events: NOT READY',
      'checklist 3/8 database: NOT READY',
      'checklist 4/8 postgres-guard: ok',
      'checklist 5/8 public-url: NOT READY',
      'checklist 6/8 link-key: ok',
      'checklist 7/8 listen: ok',
      'checklist 8/8 log-level: ok',
    ]);
    // Another address of this machine gets no answer.
    const external = Object.values(os.networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (external) await expect(fetch(`http://${external}:${bot.port}/healthz`)).rejects.toThrow();
  });

  it('refuses a print link signed with the old constant key, and keeps its own random key in the database across restarts', async () => {
    const oldDefault = createHmac('sha256', 'jiedai-local-simulator').update('jiedai export links').digest('hex');
    const forged = signLink(oldDefault, '/settlements/JD-2026-0001/print', new Date('3000-01-01T00:00:00Z'));
    const res = await fetch(`${bot.url}${forged}`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('链接无效');

    const dataDir = path.join(tmp, 'keys');
    const first = await simulatorBot({ DATA_DIR: dataDir });
    const [key1] = await first.database.db.select().from(appKeys).where(eq(appKeys.name, 'link_secret'));
    await first.close();
    const second = await simulatorBot({ DATA_DIR: dataDir });
    try {
      const [key2] = await second.database.db.select().from(appKeys).where(eq(appKeys.name, 'link_secret'));
      expect(key1.value).toMatch(/^[0-9a-f]{64}$/);
      expect(key2.value).toBe(key1.value);
      // A link under the kept key is genuine (404: no such settlement), not refused as forged.
      const genuine = signLink(key1.value, '/settlements/JD-2026-0001/print', new Date(Date.now() + 3_600_000));
      expect((await fetch(`${second.url}${genuine}`)).status).toBe(404);
    } finally {
      await second.close();
    }
  });
});

describe('2. bounded reading of the files the bot takes in', () => {
  it('refuses a 1 MB workbook whose picture inflates to 1 GB, naming the 40MB limit of one part, with the reading process under 300 MB', async () => {
    const bomb = await zipBombXlsx(1024 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const answer = await importInChat('台账.xlsx', bomb);
    expect(answer).toContain('文件中的部件“xl/media/image1.png”解压后超过40MB的上限，未予读取');
    const [imp] = await bot.database.db.select().from(ledgerImports).orderBy(ledgerImports.id).limit(1);
    expect(imp).toMatchObject({ status: 'failed', data: null, parsed: null });

    // The ledger tool on the same file, as a process of its own: its peak resident memory.
    const file = path.join(tmp, 'bomb.xlsx');
    fs.writeFileSync(file, bomb);
    // Spawned, not spawnSync: the bot in this process must keep answering meanwhile.
    const child = spawn('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, '--import', 'tsx', 'src/cli/ledger.ts', 'import', file, '--dry-run'], {
      env: { ...process.env, DATA_DIR: path.join(tmp, 'tool') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run = { stdout: '', stderr: '', status: null as number | null };
    child.stdout!.on('data', (d) => (run.stdout += d));
    child.stderr!.on('data', (d) => (run.stderr += d));
    run.status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(run.stdout).toContain('解压后超过40MB的上限');
    expect(run.status).toBe(1);
    const kb = Number(/maxrss_kb=(\d+)/.exec(run.stderr)?.[1]);
    expect(kb / 1024).toBeLessThan(300);
  }, 120_000);

  it('the ledger tool refuses a 3 GB file by its size, without reading it into memory', async () => {
    const file = path.join(tmp, 'huge.csv');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, 3 * 1024 * 1024 * 1024); // sparse: no disk used
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/ledger.ts', 'import', file, '--dry-run'], { env: { ...process.env, DATA_DIR: path.join(tmp, 'tool-huge') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    fs.rmSync(file, { force: true });
    expect(out).toContain('文件大小3072.0MB，超过10MB的上限，请拆分后分批导入');
    expect(out).toContain('未导入任何数据。');
    expect(code).toBe(1);
  }, 60_000);

  it('refuses a CSV whose one field is 9.5 MB, naming the record limit, and keeps nothing as previewed', async () => {
    const answer = await importInChat('台账.csv', hugeFieldCsv(Math.round(9.5 * 1024 * 1024)));
    expect(answer).toContain('第2行超过262144个字符的上限，不是有效的表格内容，未予读取');
    const imports = await bot.database.db.select().from(ledgerImports);
    expect(imports.filter((i) => i.status === 'previewed')).toEqual([]);
  }, 60_000);

  it('refuses a workbook of 20,000 rows while it inflates, naming the 3,000-row limit of a chat import', async () => {
    const file = await readLedgerFile('台账.xlsx', bigLedgerXlsx(20_000), { maxRows: CHAT_MAX_ROWS });
    expect(file.fileProblem).toBe(true);
    expect(file.problems.map((p) => p.message)).toEqual([`数据超过每次${CHAT_MAX_ROWS}行的上限，请分批导入`]);
  }, 60_000);

  it('refuses a workbook of 200,000 rows by what its directory declares, naming the 40MB limit of one sheet', async () => {
    const file = await readLedgerFile('台账.xlsx', bigLedgerXlsx(200_000), { maxRows: CHAT_MAX_ROWS });
    expect(file.problems.map((p) => p.message)).toEqual(['工作表（xl/worksheets/sheet1.xml）解压后超过40MB的上限，未予读取；请拆分后分批导入']);
  }, 60_000);

  it('keeps what the preview read, not the file, so 确认导入 does not read it again', async () => {
    const good = Buffer.from('接待日期,来访单位,带队领导,职务,级别,接待类型,来访人数,事由,陪餐人数,费用合计,承办部门,公函文号\r\n2025-03-05,预览单位,张伟,处长,县处级正职,公务,5,考察调研,2,860,招商局,\r\n');
    const answer = await importInChat('好台账.csv', good);
    expect(answer).toContain('确认导入');
    const [imp] = await bot.database.db.select().from(ledgerImports).where(eq(ledgerImports.status, 'previewed'));
    expect(imp.data).toBeNull();
    expect((imp.parsed as { rows: { guestUnit: string }[] }).rows.map((r) => r.guestUnit)).toEqual(['预览单位']);
  }, 60_000);
});

describe('3. the simulator upload takes only a same-origin multipart post', () => {
  it('refuses a cross-site form, a no-cors fetch and the old raw body, storing nothing', async () => {
    const [{ n: before }] = await bot.database.db.select({ n: count() }).from(simImages);
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
    expect((await sendFile(STAFF1, 'a.pdf', pdf, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await sendFile(STAFF1, 'a.pdf', pdf, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await sendFile(STAFF1, 'a.pdf', pdf, { origin: 'null' })).status).toBe(403);
    // <form enctype="text/plain"> and the old API (the file as the body, the person in the query string).
    const plain = await fetch(`${bot.url}/sim/api/upload?user=${STAFF1}&name=a.csv`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x,y' });
    expect(plain.status).toBe(415);
    const raw = await fetch(`${bot.url}/sim/api/upload?user=${STAFF1}&name=a.pdf`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: new Uint8Array(pdf) });
    expect(raw.status).toBe(415);
    const [{ n: after }] = await bot.database.db.select({ n: count() }).from(simImages);
    expect(after).toBe(before);
    // The page itself (same origin) is served.
    const own = await sendFile(STAFF1, 'a.pdf', pdf, { origin: bot.url.replace('127.0.0.1', '127.0.0.1') });
    expect(own.status).toBe(200);
  });
});

describe('4. bad parameters are 400s, never 500s with an SQL error', () => {
  it('answers after=1.5, 1e400 and 20 digits, and a file key with a NUL, with 400 and logs no error', async () => {
    const logged = botLog.length;
    for (const after of ['1.5', '1e400', '12345678901234567890', '-1']) {
      const res = await fetch(`${bot.url}/sim/api/messages?user=${STAFF1}&after=${after}`);
      expect(res.status, after).toBe(400);
    }
    expect((await fetch(`${bot.url}/sim/api/files/file_%00`)).status).toBe(400);
    expect((await fetch(`${bot.url}/sim/api/images/img_%00`)).status).toBe(400);
    expect(errorLines(botLog.slice(logged))).toEqual([]);
  });

  it('refuses a card action nested 5,000 levels deep with 400 before it is stored, on the simulator and on the Feishu webhook', async () => {
    // 5,000 levels (20 KB), written out: JSON.stringify of it would overflow the test's own stack.
    const deepJson = `${'{"a":'.repeat(5_000)}"x"${'}'.repeat(5_000)}`;
    const [{ n: before }] = await bot.database.db.select({ n: count() }).from(inboundEvents);
    const res = await fetch(`${bot.url}/sim/api/card-action`, { method: 'POST', headers: json, body: `{"user":"${STAFF1}","message_id":"sim_m_x","value":{"deep":${deepJson}}}` });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: '卡片数据层级过深' });
    const [{ n: after }] = await bot.database.db.select({ n: count() }).from(inboundEvents);
    expect(after).toBe(before);

    const s = await startSecureBot();
    try {
      let deep: unknown = 'x';
      for (let i = 0; i < 1_000; i++) deep = { a: deep };
      const answer = await s.post(s.action({ operatorOpenId: STAFF1, messageId: 'om_x', value: { deep } }));
      expect(answer.status).toBe(400);
      expect(await s.bot.database.db.select().from(inboundEvents)).toEqual([]);
      expect(errorLines(s.logLines)).toEqual([]);
    } finally {
      await s.close();
    }
  });
});

describe('5. headers on the pages', () => {
  it('serves the simulator page with a CSP of its own, no framing and no referrer', async () => {
    const res = await fetch(`${bot.url}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('serves the DingTalk form page never cached, framed or referred, its scripts by nonce and the JS API pinned', async () => {
    const org = loadOrg(loadConfig({}).orgFile);
    const key = tokenKey('a-link-secret-for-the-form-test');
    const app = express().use(
      createDingTalkFormRoutes({ pipeline: {} as Pipeline, org, tokenKey: key, log: pino({ level: 'silent' }), signIn: { corpId: 'ding123', identify: async () => undefined } }),
    );
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const token = signForm(key, { m: 'msg1', u: STAFF1, c: 'chat1', t: '接待审批单', f: [{ n: 'guest_unit', l: '来访单位', k: 'text', d: '省发展和改革委员会' }], b: [{ t: '提交', v: { action: 'request.submit' } }], x: Date.now() + 3_600_000 });
      const res = await fetch(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}/dingtalk/form/${token}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce).toBeTruthy();
      const html = await res.text();
      // Every script and style carries this response's nonce; nothing else may run.
      const tags = html.match(/<(script|style)\b[^>]*>/g) ?? [];
      expect(tags.length).toBeGreaterThanOrEqual(3);
      for (const t of tags) expect(t).toContain(`nonce="${nonce}"`);
      // The JS API: the pinned copy with its integrity hash, or the pinned CDN version.
      const api = tags.find((t) => t.includes('dingtalk.open.js'))!;
      expect(api.includes('integrity="sha384-') || api.includes(`src="${JSAPI_CDN}"`)).toBe(true);
    } finally {
      server.close();
    }
  });
});
