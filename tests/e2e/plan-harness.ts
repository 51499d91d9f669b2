// Helpers for the reception plan end-to-end tests: the real bot in webhook mode behind the fake
// Feishu, the background timers off so each test drives the scheduler with its own `now`, and
// optionally several bots on one PostgreSQL database (two instances racing for the same jobs).
import { eq } from 'drizzle-orm';
import type { App } from '../../src/app.js';
import { receptions, tasks } from '../../src/db/schema/index.js';
import { startFakeFeishu, type FakeFeishu, type SentMessage } from '../fake-feishu/index.js';
import { buttonValues, titleOf, webhookClient, type TapAnswer, type WebhookClient } from './approval-harness.js';
import { startBot } from './start-bot.js';

type Obj = Record<string, unknown>;

export interface PlanHarness extends Pick<WebhookClient, 'settle' | 'say' | 'tap' | 'messagesTo' | 'textsTo' | 'patchesOf'> {
  fake: FakeFeishu;
  bot: App;
  close(): Promise<void>;
  /** 新建接待 → the form card → submit with `form`; the code, or an error if there is none. */
  submit(user: string, form: Obj): Promise<string>;
  act(user: string, code: string, decision: 'approve' | 'reject'): Promise<TapAnswer>;
  /** Runs the scheduler at `now` and lets the outbox deliver what the jobs wrote. */
  tick(now: Date): Promise<number>;
  /** Messages posted into a chat by chat_id. */
  inChat(chatId: string): SentMessage[];
  reception(code: string): Promise<typeof receptions.$inferSelect>;
  tasksOf(code: string): Promise<(typeof tasks.$inferSelect)[]>;
}

export async function startPlanHarness(opts: { fake?: FakeFeishu; env?: Record<string, string> } = {}): Promise<PlanHarness> {
  const fake = opts.fake ?? (await startFakeFeishu());
  // No background ticks with the real clock: every test says what time it is.
  const bot = await startBot({ baseUrl: fake.url, mode: 'webhook', env: opts.env, background: false });
  const c = webhookClient(fake, bot);
  const db = bot.database.db;

  const h: PlanHarness = {
    fake,
    bot,
    settle: c.settle,
    async close() {
      await bot.close();
      if (!opts.fake) await fake.close();
    },
    say: c.say,
    tap: c.tap,
    async submit(user, form) {
      const { answer, code } = await c.submit(user, form);
      if (!code) throw new Error(`submit failed: ${JSON.stringify(answer.toast)}`);
      return code;
    },
    act: (user, code, decision) => c.act(user, code, decision),
    async tick(now) {
      const n = await bot.scheduler.tick(now);
      await c.settle();
      return n;
    },
    messagesTo: c.messagesTo,
    textsTo: c.textsTo,
    inChat: (chatId) => fake.sent().filter((m) => m.chat_id === chatId || m.receive_id === chatId),
    patchesOf: c.patchesOf,
    async reception(code) {
      const [r] = await db.select().from(receptions).where(eq(receptions.code, code));
      if (!r) throw new Error(`no reception ${code}`);
      return r;
    },
    async tasksOf(code) {
      const r = await h.reception(code);
      return db.select().from(tasks).where(eq(tasks.receptionId, r.id)).orderBy(tasks.dueAt, tasks.id);
    },
  };
  return h;
}

/** The 完成 button value of one task on a checklist card. */
export function doneValue(card: unknown, taskId: number): Obj {
  const v = buttonValues(card).find((x) => x.action === 'task.done' && x.task === taskId);
  if (!v) throw new Error(`no 完成 button for task ${taskId} in ${titleOf(card)}`);
  return v;
}

/** The person select's callback value of one task on a checklist card. */
export function assignValue(card: unknown, taskId: number): Obj {
  let found: Obj | undefined;
  const walk = (node: unknown) => {
    if (found || typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) return node.forEach(walk);
    const o = node as Obj;
    if (o.tag === 'select_person' && Array.isArray(o.behaviors)) {
      const v = (o.behaviors as Obj[]).map((b) => b.value as Obj | undefined).find((x) => x?.action === 'task.assign' && x.task === taskId);
      if (v) found = v;
    }
    Object.values(o).forEach(walk);
  };
  walk(card);
  if (!found) throw new Error(`no 改派 select for task ${taskId} in ${titleOf(card)}`);
  return found;
}

/** 08:00 (or any minute) of a Shanghai wall-clock date as an instant. */
export const shanghaiAt = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00+08:00`);

/** Weekday of a YYYY-MM-DD date, 1 = Monday … 7 = Sunday. */
export const weekdayOf = (date: string) => ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

export const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
