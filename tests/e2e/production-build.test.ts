// The production path: `npm run build`, then `node dist/main.js` with no dev tooling, against the
// fake Feishu; and the graceful shutdown on SIGTERM (stop taking events, finish the work in flight,
// flush the outbox, exit 0). The build runs once for the file.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID, DEFAULT_APP_SECRET, DEFAULT_VERIFICATION_TOKEN, buildMessageEvent, signedRequest, startFakeFeishu, type FakeFeishu } from '../fake-feishu/index.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const KEY = 'prod-build-encrypt-key';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jiedai-prod-'));
const children: ChildProcess[] = [];
let fake: FakeFeishu;

interface Running {
  child: ChildProcess;
  url: string;
  output: string[];
  exited: Promise<number | null>;
}

/** `node dist/main.js` with only the environment given (no tsx, no loader); resolves once it logged its port. */
async function startBuilt(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmp, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up line within 45 s:\n${output.join('')}`)), 45_000);
    child.stdout!.on('data', (d) => {
      output.push(String(d));
      const started = output.join('').split('\n').find((l) => l.includes('"jiedai started"'));
      if (started) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${JSON.parse(started).port}`);
      }
    });
    child.stderr!.on('data', (d) => output.push(String(d)));
    void exited.then((code) => reject(new Error(`exited with ${code} before starting:\n${output.join('')}`)));
  });
  return { child, url, output, exited };
}

beforeAll(async () => {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
  const out = `${build.stdout}${build.stderr}`;
  if (build.status !== 0) {
    // Type errors still leave a complete dist/ (tsc emits anyway); anything else is a broken build.
    const onlyTypeErrors = fs.existsSync(path.join(root, 'dist', 'main.js')) && /error TS\d+/.test(out) && !/Cannot find|ENOENT|EACCES/.test(out);
    if (!onlyTypeErrors) throw new Error(`npm run build failed:\n${out}`);
    console.warn(`npm run build reported type errors (someone's work in progress?); testing the emitted dist/ anyway:\n${out.slice(0, 2000)}`);
  }
  fake = await startFakeFeishu();
}, 180_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await fake?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the production build', () => {
  it('imports at run time only node built-ins and packages in "dependencies"', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        // dist/node_modules holds the build's slimmed copy of the Feishu SDK (a dependency, not ours).
        if (e.isDirectory()) {
          if (e.name !== 'node_modules') walk(p);
        } else if (p.endsWith('.js') && !p.includes(`${path.sep}public${path.sep}`)) files.push(p);
      }
    };
    walk(path.join(root, 'dist'));
    const bare = new Set<string>();
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'".][^'"]*)['"]/g)) bare.add(m[1]);
    }
    const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    const builtins = new Set(builtinModules);
    const outside = [...bare].filter((s) => !s.startsWith('node:') && !builtins.has(s) && !(packageOf(s) in pkg.dependencies));
    expect(files.length).toBeGreaterThan(20);
    expect(outside).toEqual([]);
    expect([...bare].some((s) => s.includes('tsx'))).toBe(false);
  });

  it('gives dist/ the Feishu SDK without its comments: same exports, same version, under a third of the source', async () => {
    const fromDist = createRequire(path.join(root, 'dist', 'main.js'));
    const slim = fromDist.resolve('@larksuiteoapi/node-sdk');
    const fromSrc = createRequire(path.join(root, 'src', 'main.ts'));
    const installed = fromSrc.resolve('@larksuiteoapi/node-sdk');
    expect(slim).toBe(path.join(root, 'dist', 'node_modules', '@larksuiteoapi', 'node-sdk', 'lib', 'index.js'));
    expect(fs.statSync(slim).size).toBeLessThan(fs.statSync(installed).size / 3);
    // One byte a character in V8: nothing outside ASCII is left in the source.
    expect(/[^\x00-\x7f]/.test(fs.readFileSync(slim, 'utf8'))).toBe(false);
    const [a, b] = await Promise.all([import(pathToFileURL(installed).href), import(pathToFileURL(slim).href)]);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    expect(Object.keys(b.default).sort()).toEqual(Object.keys(a.default).sort());
    expect(fromDist('@larksuiteoapi/node-sdk/package.json').version).toBe(fromSrc('@larksuiteoapi/node-sdk/package.json').version);
    expect(fs.readFileSync(path.join(path.dirname(slim), '..', 'LICENSE'), 'utf8')).toContain('MIT License');
  });

  it('node dist/main.js serves /healthz and the simulator page, and exits 0 on SIGTERM', async () => {
    const bot = await startBuilt({ DATA_DIR: path.join(tmp, 'sim') });
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    const page = await fetch(`${bot.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect((await fetch(`${bot.url}/sim/app.js`)).status).toBe(200);
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.output.join('')).toContain('jiedai stopped');
  }, 90_000);

  it('on SIGTERM with a reply still queued: stops taking events, delivers the reply exactly once, exits 0', async () => {
    const bot = await startBuilt({
      DATA_DIR: path.join(tmp, 'webhook'),
      FEISHU_APP_ID: DEFAULT_APP_ID,
      FEISHU_APP_SECRET: DEFAULT_APP_SECRET,
      FEISHU_ENCRYPT_KEY: KEY,
      FEISHU_VERIFICATION_TOKEN: DEFAULT_VERIFICATION_TOKEN,
      FEISHU_BASE_URL: fake.url,
      FEISHU_MODE: 'webhook',
    });
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    // The reply's first attempt fails (it backs off ~0.5 s, still pending); the second is slow (in
    // flight for 2 s) and then succeeds. SIGTERM comes right after the first failure.
    const sendRoute = 'POST /open-apis/im/v1/messages';
    fake.inject({ route: sendRoute, fault: { status: 500 } });
    fake.inject({ route: sendRoute, fault: { delayMs: 2_000 } });
    const chatId = 'oc_prod_shutdown';
    const post = (messageId: string) => {
      const req = signedRequest(buildMessageEvent({ text: '帮助', senderOpenId: 'ou_staff1', chatId, messageId }), { encryptKey: KEY });
      return fetch(`${bot.url}/feishu/events`, { method: 'POST', headers: req.headers, body: req.body });
    };
    expect((await post('om_prod_1')).status).toBe(200);
    await fake.waitFor((r) => r.path === '/open-apis/im/v1/messages' && r.status === 500, 20_000);
    expect(fake.sent().filter((m) => m.receive_id === chatId)).toHaveLength(0);

    bot.child.kill('SIGTERM');
    // New events are no longer taken: the port is closed (or, on a connection still open, 503).
    await new Promise((r) => setTimeout(r, 300));
    const late = await post('om_prod_2').then(
      (res) => res.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(late);

    expect(await bot.exited).toBe(0);
    const output = bot.output.join('');
    expect(output).toContain('shutting down');
    expect(output).toContain('jiedai stopped');
    const replies = fake.sent().filter((m) => m.receive_id === chatId);
    expect(replies).toHaveLength(1);
    expect(JSON.stringify(replies[0].content)).toContain('新建接待');
    // Sent once: one successful send request for it, none answered as a duplicate uuid.
    const sends = fake.requests.filter((r) => r.path === '/open-apis/im/v1/messages' && r.method === 'POST' && JSON.stringify(r.body ?? '').includes(chatId));
    expect(sends.filter((r) => r.status === 200)).toHaveLength(1);
    expect(sends.some((r) => r.duplicate)).toBe(false);
  }, 90_000);
});
