// npm run bench (hostile-files): what a hostile or oversized ledger file costs the running bot. For
// each file a fresh bot (the simulator, PGlite in a temporary DATA_DIR, `node --import tsx
// src/main.ts`) is started; 赵敏 sends 导入台账 and then the file on the simulator page; while the bot
// reads it, /healthz is asked every 50 ms (a request still unanswered counts as stalled from when it
// was sent). Measured: the longest /healthz wait, the time to the bot's answer, and the process's peak
// resident memory (VmHWM, workers included). Then the same zip bomb through the ledger tool
// (`ledger -- import --dry-run`), its peak memory and time. Files are made on the spot
// (tests/fixtures/hostile-files.ts), never stored.
//
// Last, a 29 MB file sent on the simulator page (POST /sim/api/upload) by someone with no settlement
// open: the /healthz stall while the upload is received and stored, and the time to its answer.
//
// Env: BENCH_PARTS (default files,tool,upload), BENCH_BOMB_MB (inflated size of the bomb's picture, default 2048), BENCH_BIG_ROWS (default
// 200000), BENCH_CSV_MB (default 9.5), BENCH_UPLOAD=raw (the upload API before issue 22: the file
// as the body, the person in the query string).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { bigLedgerXlsx, hugeFieldCsv, zipBombXlsx } from '../tests/fixtures/hostile-files.js';
import { runBench, writeSection } from './processes.js';

const BOMB_MB = Number(process.env.BENCH_BOMB_MB ?? 2048);
const BIG_ROWS = Number(process.env.BENCH_BIG_ROWS ?? 200_000);
const CSV_MB = Number(process.env.BENCH_CSV_MB ?? 9.5);
const RAW_UPLOAD = process.env.BENCH_UPLOAD === 'raw';
const PARTS = (process.env.BENCH_PARTS ?? 'files,tool,upload').split(',');
const UPLOAD_MB = 29;
const OFFICE = 'ou_office1';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const peakMb = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

interface Figures {
  file: string;
  size: string;
  stallMs: number;
  answerMs: number;
  /** Peak RSS once started and asked to 导入台账 (PGlite's first start is most of it), and at the end. */
  startMb: number;
  rssMb: number;
  answer: string;
}

async function upload(url: string, name: string, bytes: Buffer, user = OFFICE): Promise<Response> {
  if (RAW_UPLOAD) {
    return fetch(`${url}/sim/api/upload?${new URLSearchParams({ user, name })}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(bytes) });
  }
  const form = new FormData();
  form.set('user', user);
  form.set('file', new Blob([new Uint8Array(bytes)]), name);
  return fetch(`${url}/sim/api/upload`, { method: 'POST', body: form });
}

async function botMessages(url: string): Promise<{ seq: number; sender: string; content: unknown }[]> {
  const res = await fetch(`${url}/sim/api/messages?user=${OFFICE}`);
  return ((await res.json()) as { messages: { seq: number; sender: string; content: unknown }[] }).messages.filter((m) => m.sender === 'bot');
}

async function measure(file: string, bytes: Buffer, uploadOnly = false): Promise<Figures> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiedai-hostile-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (i > 600) throw new Error('the bot did not start');
      if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!uploadOnly) await fetch(`${url}/sim/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: OFFICE, text: '导入台账' }) });
    let before = 0;
    for (let i = 0; i < 100 && !before && !uploadOnly; i++) {
      before = (await botMessages(url)).length;
      if (!before) await new Promise((r) => setTimeout(r, 100));
    }
    const startMb = peakMb(child.pid!);
    // /healthz every 50 ms; each wait measured from when its request was sent.
    let stallMs = 0;
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const t = performance.now();
        await fetch(`${url}/healthz`).catch(() => undefined);
        stallMs = Math.max(stallMs, performance.now() - t);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const t0 = performance.now();
    const sent = await upload(url, file, bytes, uploadOnly ? 'ou_staff1' : OFFICE);
    if (!sent.ok) throw new Error(`upload refused: ${sent.status} ${await sent.text()}`);
    let answer = uploadOnly ? `HTTP ${sent.status}` : '';
    for (let i = 0; i < 3000 && !answer; i++) {
      const got = await botMessages(url).catch(() => []);
      if (got.length > before) answer = JSON.stringify(got.at(-1)!.content);
      else await new Promise((r) => setTimeout(r, 100));
    }
    const answerMs = performance.now() - t0;
    probing = false;
    await probe;
    // What the card says about the file: the limit it names, else the preview's count.
    const text = /[^"\\]*超过[^"\\]*?上限/.exec(answer)?.[0] ?? /共 ?\*{0,2}\d+\*{0,2} ?行[^"\\]{0,30}/.exec(answer)?.[0] ?? answer.slice(0, 80);
    return { file, size: `${(bytes.length / 1024 / 1024).toFixed(1)} MB`, stallMs, answerMs, startMb, rssMb: peakMb(child.pid!), answer: text.trim() };
  } finally {
    child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The ledger tool on the same bomb: peak memory (from /proc while it runs) and time. */
async function measureTool(file: string): Promise<{ rssMb: number; ms: number; out: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiedai-hostile-tool-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/ledger.ts', 'import', file, '--dry-run'], { env: { ...process.env, DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  let rssMb = 0;
  const timer = setInterval(() => {
    try {
      const mb = peakMb(child.pid!);
      if (Number.isFinite(mb)) rssMb = Math.max(rssMb, mb);
    } catch {
      /* exited */
    }
  }, 20);
  await new Promise((r) => child.once('exit', r));
  clearInterval(timer);
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { rssMb, ms: performance.now() - t0, out: out.trim().split('\n').slice(0, 3).join(' / ') };
}

runBench(async () => {
  fs.mkdirSync('.tmp', { recursive: true });
  const bomb = await zipBombXlsx(BOMB_MB * 1024 * 1024);
  const files: [string, Buffer][] = PARTS.includes('files')
    ? [
        [`bomb-${BOMB_MB}MB.xlsx`, bomb],
        [`rows-${BIG_ROWS}.xlsx`, bigLedgerXlsx(BIG_ROWS)],
        [`field-${CSV_MB}MB.csv`, hugeFieldCsv(Math.round(CSV_MB * 1024 * 1024))],
      ]
    : [];
  const rows: Figures[] = [];
  for (const [name, bytes] of files) {
    console.log(`${name} (${(bytes.length / 1024 / 1024).toFixed(1)} MB)…`);
    const f = await measure(name, bytes);
    console.log(`  /healthz longest wait ${f.stallMs.toFixed(0)} ms, answer after ${(f.answerMs / 1000).toFixed(1)} s, peak RSS ${f.rssMb.toFixed(0)} MB (${f.startMb.toFixed(0)} MB before the file): ${f.answer}`);
    rows.push(f);
  }
  let tool: { rssMb: number; ms: number; out: string } | undefined;
  if (PARTS.includes('tool')) {
    const bombFile = path.join('.tmp', `bomb-${BOMB_MB}MB.xlsx`);
    fs.writeFileSync(bombFile, bomb);
    tool = await measureTool(bombFile);
    fs.rmSync(bombFile, { force: true });
    console.log(`ledger tool --dry-run on the bomb: ${(tool.ms / 1000).toFixed(1)} s, peak RSS ${tool.rssMb.toFixed(0)} MB: ${tool.out}`);
  }
  let up: Figures | undefined;
  if (PARTS.includes('upload')) {
    // Random bytes (incompressible), named as a PDF: a photo of a long invoice, say.
    const big = Buffer.alloc(UPLOAD_MB * 1024 * 1024, 0x25);
    for (let i = 0; i < big.length; i += 4096) big[i] = (i * 2654435761) & 0xff;
    up = await measure(`upload-${UPLOAD_MB}MB.pdf`, big, true);
    console.log(`upload of ${UPLOAD_MB} MB: /healthz longest wait ${up.stallMs.toFixed(0)} ms, answered after ${(up.answerMs / 1000).toFixed(1)} s, peak RSS ${up.rssMb.toFixed(0)} MB (${up.startMb.toFixed(0)} MB before)`);
  }

  const table = [
    '| file (sent in chat after 导入台账) | size | longest /healthz wait | bot answered after | peak RSS (before the file) | answer |',
    '|---|---:|---:|---:|---:|---|',
    ...rows.map((f) => `| ${f.file} | ${f.size} | ${f.stallMs.toFixed(0)} ms | ${(f.answerMs / 1000).toFixed(1)} s | ${f.rssMb.toFixed(0)} MB (${f.startMb.toFixed(0)} MB) | ${f.answer.replace(/\|/g, '/')} |`),
    ...(up ? [`| ${up.file} on the simulator page (no import waiting) | ${up.size} | ${up.stallMs.toFixed(0)} ms | ${(up.answerMs / 1000).toFixed(1)} s | ${up.rssMb.toFixed(0)} MB (${up.startMb.toFixed(0)} MB) | ${up.answer} |`] : []),
    ...(tool ? [`| the bomb through \`ledger -- import --dry-run\` | ${rows[0].size} | – | ${(tool.ms / 1000).toFixed(1)} s | ${tool.rssMb.toFixed(0)} MB | ${(/[^：/]*超过[^/]*上限/.exec(tool.out)?.[0] ?? tool.out.slice(-60)).replace(/\|/g, '/').trim()} |`] : []),
  ].join('\n');
  console.log(`\n${table}`);
  writeSection('hostile-files', table);
});
