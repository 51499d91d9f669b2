import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, deadlineMs: number): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < deadlineMs) {
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) return Date.now() - start;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`/healthz did not answer 200 within ${deadlineMs} ms`);
}

let child: ChildProcess | undefined;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiedai-start-'));

afterAll(() => {
  child?.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start with nothing configured', () => {
  it('serves /healthz, answers 帮助 in the simulator, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const output: string[] = [];
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info' };
    child = spawn('npm', ['start', '--silent'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
    child.stdout!.on('data', (d) => output.push(String(d)));
    child.stderr!.on('data', (d) => output.push(String(d)));
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, 45_000).catch((e) => {
      throw new Error(`${(e as Error).message}\n${output.join('')}`);
    });

    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');

    const sent = await fetch(`${url}/sim/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'ou_staff1', text: '帮助' }) });
    expect(sent.status).toBe(200);
    const res = await fetch(`${url}/sim/api/messages?user=ou_staff1&after=0&wait=1`);
    type Listing = { messages: { sender: string; content: unknown }[] };
    let { messages } = (await res.json()) as Listing;
    for (let i = 0; i < 50 && !messages.some((m) => m.sender === 'bot'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      ({ messages } = (await (await fetch(`${url}/sim/api/messages?user=ou_staff1&after=0`)).json()) as Listing);
    }
    const answer = messages.find((m) => m.sender === 'bot');
    expect(JSON.stringify(answer?.content)).toContain('新建接待');

    // npm passes SIGTERM on to the bot and then reports the signal itself; the bot's own
    // "jiedai stopped" line shows it finished its work and closed the database first.
    const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
    expect(output.join('')).toContain('shutting down');
    expect(output.join('')).toContain('jiedai stopped');
  }, 90_000);
});
