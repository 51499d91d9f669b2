// Helpers for the reception plan end-to-end tests: the real bot in webhook mode behind the fake
// Feishu, the background timers off so each test drives the scheduler with its own `now`, and
// optionally several bots on one PostgreSQL database (two instances racing for the same jobs).
import { expect } from 'vitest';
import { eq } from 'drizzle-orm';
import type { App } from '../../src/app.js';
import { receptions, tasks } from '../../src/db/schema.js';
import {
  buildCardAction, buildMessageEvent, signedRequest, startFakeFeishu,
  type FakeFeishu, type MentionInput, type SentMessage,
} from '../fake-feishu/index.js';
import { buttonValue, buttonValues, p2p, titleOf, type CardJson, type TapAnswer } from './approval-harness.js';
import { ENCRYPT_KEY, startBot } from './start-bot.js';

type Obj = Record<string, unknown>;

export interface PlanHarness {
  fake: FakeFeishu;
  bot: App;
  close(): Promise<void>;
  settle(): Promise<void>;
  say(user: string, text: string, mentions?: MentionInput[]): Promise<void>;
  /** A card action by `user` on `messageId`: a button value, a form, or a person select's `option`. */
  tap(user: string, messageId: string, value: unknown, extra?: { formValue?: Obj; option?: string; tag?: string }): Promise<TapAnswer>;
  submit(user: string, form: Obj): Promise<string>;
  act(user: string, code: string, decision: 'approve' | 'reject'): Promise<TapAnswer>;
  /** Runs the scheduler at `now` and lets the outbox deliver what the jobs wrote. */
  tick(now: Date): Promise<number>;
  messagesTo(user: string): SentMessage[];
  textsTo(user: string): string[];
  /** Messages posted into a chat by chat_id. */
  inChat(chatId: string): SentMessage[];
  patchesOf(messageId: string): CardJson[];
  reception(code: string): Promise<typeof receptions.$inferSelect>;
  tasksOf(code: string): Promise<(typeof tasks.$inferSelect)[]>;
}

export async function startPlanHarness(opts: { fake?: FakeFeishu; env?: Record<string, string> } = {}): Promise<PlanHarness> {
  const fake = opts.fake ?? (await startFakeFeishu());
  // No background ticks with the real clock: every test says what time it is.
  const bot = await startBot({ baseUrl: fake.url, mode: 'webhook', env: opts.env, background: false });
  const post = async (payload: unknown) => {
    const req = signedRequest(payload, { encryptKey: ENCRYPT_KEY });
    const res = await fetch(`${bot.url}/feishu/events`, { method: 'POST', headers: req.headers, body: req.body });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const settle = async () => {
    await bot.pipeline.idle();
    await bot.outbox.drain(15_000);
  };
  const messagesTo = (user: string) => fake.sent().filter((m) => m.receive_id === user || m.receive_id === p2p(user));
  const db = bot.database.db;

  const h: PlanHarness = {
    fake,
    bot,
    settle,
    async close() {
      await bot.close();
      if (!opts.fake) await fake.close();
    },
    async say(user, text, mentions) {
      const res = await post(buildMessageEvent({ text, senderOpenId: user, chatId: p2p(user), chatType: 'p2p', mentions }));
      expect(res.status).toBe(200);
      await settle();
    },
    async tap(user, messageId, value, extra = {}) {
      const res = await post(
        buildCardAction({ operatorOpenId: user, messageId, chatId: fake.message(messageId)?.chat_id, value, formValue: extra.formValue, option: extra.option, tag: extra.tag }),
      );
      expect(res.status).toBe(200);
      await settle();
      return res.body as TapAnswer;
    },
    async submit(user, form) {
      const before = messagesTo(user).length;
      await h.say(user, '新建接待');
      const formCard = messagesTo(user).slice(before).find((m) => m.msg_type === 'interactive' && titleOf(m.content) === '接待审批单');
      if (!formCard) throw new Error(`no request form card for ${user}`);
      const answer = await h.tap(user, formCard.message_id, buttonValue(formCard.content, { action: 'request.submit' }), { formValue: form });
      const code = /JD-\d{4}-\d{4,}/.exec(answer.toast?.content ?? '')?.[0];
      if (!code) throw new Error(`submit failed: ${JSON.stringify(answer.toast)}`);
      return code;
    },
    async act(user, code, decision) {
      const card = messagesTo(user)
        .filter((m) => titleOf(m.content) === `接待审批：${code}` && buttonValues(m.content).some((v) => v.action === 'approval.act'))
        .at(-1);
      if (!card) throw new Error(`${user} has no open approval card for ${code}`);
      return h.tap(user, card.message_id, buttonValue(card.content, { decision }), { formValue: { comment: '' } });
    },
    async tick(now) {
      const n = await bot.scheduler.tick(now);
      await settle();
      return n;
    },
    messagesTo,
    textsTo: (user) => messagesTo(user).filter((m) => m.msg_type === 'text').map((m) => (m.content as { text: string }).text),
    inChat: (chatId) => fake.sent().filter((m) => m.chat_id === chatId || m.receive_id === chatId),
    patchesOf: (messageId) => fake.patches().filter((p) => p.kind === 'patch' && p.message_id === messageId).map((p) => p.content as CardJson),
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
