// The jobs tool as an operator runs it: `npx tsx src/cli/jobs.ts …` (and `npm run --silent jobs -- …`)
// against the bot's own database, prepared by running the bot once (simulator mode: the messages a
// tick sends land in the simulator's tables, where the bot's chat page reads them).
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { buttonValue, titleOf, validForm } from './approval-harness.js';
import { useToolDatabase } from './tool-harness.js';

const STAFF1 = 'ou_staff1';
const HEAD1 = 'ou_head1';

const tool = useToolDatabase('jd-jobs-cli-');
const run = tool.run;
const jobsTool = (...args: string[]) => run('npx', ['tsx', 'src/cli/jobs.ts', ...args]);

async function startSimulatorBot(): Promise<App> {
  return startApp(loadConfig({ PORT: '0', ...tool.dbEnv }), { log: pino({ level: 'silent' }), host: '127.0.0.1', background: false });
}

type SimMessage = { message_id: string; chat_id: string; msg_type: string; content: { text?: string } & Record<string, unknown> };
async function simMessages(bot: App, user: string): Promise<SimMessage[]> {
  const res = await fetch(`${bot.url}/sim/api/messages?user=${user}`);
  return ((await res.json()) as { messages: SimMessage[] }).messages;
}

let code: string;

beforeAll(async () => {
  // Run the bot once: 王小明 files a request on the simulator, so 李建国's approval has its reminder jobs.
  const bot = await startSimulatorBot();
  try {
    const post = (p: string, body: unknown) => fetch(`${bot.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await post('/sim/api/messages', { user: STAFF1, text: '新建接待' });
    await bot.pipeline.idle();
    await bot.outbox.drain();
    const form = (await simMessages(bot, STAFF1)).find((m) => m.msg_type === 'interactive' && titleOf(m.content) === '接待审批单');
    expect(form).toBeDefined();
    const res = await post('/sim/api/card-action', { user: STAFF1, message_id: form!.message_id, value: buttonValue(form!.content, { action: 'request.submit' }), form_value: validForm() });
    const answer = (await res.json()) as { toast?: { content?: string } };
    code = /JD-\d{4}-\d{4,}/.exec(answer.toast?.content ?? '')?.[0] ?? '';
    expect(code).not.toBe('');
    await bot.pipeline.idle();
    await bot.outbox.drain();
  } finally {
    await bot.close();
  }
}, 60_000);

/** "2026-03-02T04:30:00.000Z  approval.remind …" lines of `list`. */
const jobLines = (out: string) => out.split('\n').filter((l) => /^\d{4}-\d{2}-\d{2}T/.test(l));

describe('the jobs tool', () => {
  let remindAt: Date;
  let escalateAt: Date;

  it('lists the pending jobs with their time, kind, key and payload; --until leaves out the later ones', async () => {
    const all = await run('npm', ['run', '--silent', 'jobs', '--', 'list']);
    expect(all.stderr.replace(/npm warn .*\n/g, '')).toBe('');
    expect(all.code).toBe(0);
    const lines = jobLines(all.stdout);
    const remind = lines.find((l) => l.includes('approval.remind'));
    const escalate = lines.find((l) => l.includes('approval.escalate'));
    expect(remind).toMatch(/^\S+Z\s+approval\.remind\s+approval\.remind:\d+:ou_head1:\S+Z\s+/);
    expect(remind).toMatch(/ approvalId=\d+/);
    expect(remind).toMatch(/ approver=ou_head1/);
    expect(escalate).toBeDefined();
    remindAt = new Date(remind!.slice(0, 24));
    escalateAt = new Date(escalate!.slice(0, 24));
    expect(remindAt.getTime()).toBeLessThan(escalateAt.getTime());
    expect(all.stdout).toContain(`${lines.length} 项待执行`);

    const early = await jobsTool('list', '--until', new Date(remindAt.getTime() - 60_000).toISOString());
    expect(early.code).toBe(0);
    expect(early.stdout).not.toContain('approval.');
    const some = await jobsTool('list', '--until', remindAt.toISOString());
    expect(jobLines(some.stdout).some((l) => l.includes('approval.remind'))).toBe(true);
    expect(jobLines(some.stdout).some((l) => l.includes('approval.escalate'))).toBe(false);
  }, 120_000);

  it('tick --now runs the jobs due then and delivers their messages; a second tick sends nothing again', async () => {
    const now = new Date(remindAt.getTime() + 60_000);
    const first = await jobsTool('tick', '--now', now.toISOString());
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/ran [1-9]\d* job\(s\); .*outbox pending 0/);
    const second = await jobsTool('tick', '--now', now.toISOString());
    expect(second.code).toBe(0);

    const after = await jobsTool('list');
    expect(jobLines(after.stdout).some((l) => l.includes('approval.remind'))).toBe(false);
    expect(jobLines(after.stdout).some((l) => l.includes('approval.escalate'))).toBe(escalateAt > now);

    // What 李建国 sees on the bot's chat page: one 催办, delivered.
    const bot = await startSimulatorBot();
    try {
      const texts = (await simMessages(bot, HEAD1)).filter((m) => m.msg_type === 'text').map((m) => m.content.text ?? '');
      expect(texts.filter((t) => t.startsWith('【催办】') && t.includes(code))).toHaveLength(1);
    } finally {
      await bot.close();
    }
  }, 120_000);

  it('answers bad arguments with the usage and exit status 2', async () => {
    for (const args of [[], ['frob'], ['tick'], ['tick', '--now', 'tomorrow'], ['list', '--until'], ['list', '--since', '2026-01-01']]) {
      const r = await jobsTool(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain('usage');
      expect(r.stdout).toBe('');
    }
  }, 120_000);
});
