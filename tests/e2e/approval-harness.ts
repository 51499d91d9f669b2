// Helpers for the approval end-to-end tests: people talk to the real bot through signed webhook
// deliveries, and we read what the fake Feishu received for each of them.
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { App } from '../../src/app.js';
import { approvals, auditLog, receptions } from '../../src/db/schema/index.js';
import {
  buildCardAction, buildMessageEvent, signedRequest, startFakeFeishu,
  type FakeFeishu, type MentionInput, type SentMessage,
} from '../fake-feishu/index.js';
import { ENCRYPT_KEY, startBot } from './start-bot.js';

type Obj = Record<string, unknown>;
export type CardJson = { header?: { title?: { content?: string }; template?: string }; body?: { elements?: unknown[] } } & Obj;

export interface TapAnswer {
  toast?: { type: string; content: string };
  card?: { type: 'raw'; data: CardJson };
}

/** The p2p chat a person talks to the bot in. */
export const p2p = (user: string) => `oc_p2p_${user}`;

/** YYYY-MM-DD in Asia/Shanghai, `days` from now. */
export { shanghaiDate, validForm } from '../fixtures/request-form.js';

/** Every `behaviors[].value` of every button in a card, in order. */
export function buttonValues(card: unknown): Obj[] {
  const out: Obj[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const o = node as Obj;
    if (o.tag === 'button' && Array.isArray(o.behaviors)) for (const b of o.behaviors as Obj[]) if (b && typeof b.value === 'object') out.push(b.value as Obj);
    for (const v of Object.values(o)) walk(v);
  };
  walk(card);
  return out;
}

/** The reception's row, its approval steps and its audit rows: what a refused tap must leave as it was. */
export async function receptionSnapshot(bot: App, code: string) {
  const db = bot.database.db;
  const [r] = await db.select().from(receptions).where(eq(receptions.code, code));
  const steps = await db.select().from(approvals).where(eq(approvals.receptionId, r.id)).orderBy(approvals.id);
  const audit = await db.select().from(auditLog).where(eq(auditLog.entityId, code)).orderBy(auditLog.id);
  return { r, steps, audit };
}

export const hasButtons = (card: unknown) => JSON.stringify(card).includes('"tag":"button"');

/** The button value with this decision (approval cards) or action (the form's submit). */
export function buttonValue(card: unknown, key: { decision?: string; action?: string }): Obj {
  const v = buttonValues(card).find((x) => (key.decision ? x.decision === key.decision : x.action === key.action));
  if (!v) throw new Error(`no button with ${JSON.stringify(key)} in card ${titleOf(card)}`);
  return v;
}

/** The checkboxes (checker) of a card: name, the text beside it as read, and whether it can be ticked. */
export function checkers(card: unknown): { name: string; text: string; disabled: boolean }[] {
  const out: { name: string; text: string; disabled: boolean }[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const o = node as Obj;
    if (o.tag === 'checker') out.push({ name: String(o.name), text: cardText(o.text), disabled: o.disabled === true });
    for (const v of Object.values(o)) walk(v);
  };
  walk(card);
  return out;
}

export const titleOf = (card: unknown) => (card as CardJson | undefined)?.header?.title?.content ?? '';

/** All text a person would read on a card (markdown, plain text, field values), joined. */
export function cardText(card: unknown): string {
  const parts: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const o = node as Obj;
    if (typeof o.content === 'string') parts.push(o.content);
    if (typeof o.default_value === 'string') parts.push(o.default_value);
    for (const v of Object.values(o)) walk(v);
  };
  walk(card);
  return decodeEntities(parts.join('\n'));
}

/** escapeMd writes user text as HTML entities; decode them so assertions read like the screen. */
const decodeEntities = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));

export interface Harness extends Omit<WebhookClient, 'tap' | 'submit'> {
  fake: FakeFeishu;
  bot: App;
  close(): Promise<void>;
  /** A signed card.action.trigger from `user` on the message `messageId`; the JSON answer. */
  tap(user: string, messageId: string, value: unknown, formValue?: Obj): Promise<TapAnswer>;
  /** 新建接待 → the form card → submit with `form` (and a reason). Returns the answer, the form's message id and the code. */
  submit(user: string, form: Obj, opts?: { reason?: string }): Promise<{ answer: TapAnswer; formMessageId: string; code?: string }>;
  /** The newest card in `user`'s p2p chat after sending `text`. */
  ask(user: string, text: string): Promise<{ card?: CardJson; text?: string }>;
}

/** What a person does and gets through signed webhook deliveries to a bot behind the fake Feishu. */
export interface WebhookClient {
  /** Lets accepted events finish and the outbox deliver what they wrote. */
  settle(): Promise<void>;
  /** A text message from `user` in their p2p chat with the bot. */
  say(user: string, text: string, mentions?: MentionInput[]): Promise<void>;
  /** A card action by `user` on `messageId`: a button value, a form, or a person select's `option`; the JSON answer. */
  tap(user: string, messageId: string, value: unknown, extra?: { formValue?: Obj; option?: string; tag?: string }): Promise<TapAnswer>;
  /** 新建接待 → the form card → submit with `form`. Returns the answer, the form's message id and the code. */
  submit(user: string, form: Obj): Promise<{ answer: TapAnswer; formMessageId: string; code?: string }>;
  /** Taps a decision on `user`'s open approval card for `code`. */
  act(user: string, code: string, decision: 'approve' | 'reject' | 'return' | 'transfer' | 'add', formValue?: Obj): Promise<TapAnswer>;
  /** Messages the fake received for `user`: sent to their open_id or into their p2p chat. */
  messagesTo(user: string): SentMessage[];
  cardsTo(user: string): SentMessage[];
  textsTo(user: string): string[];
  /** Cards `user` got (by message) for `code`, as they look now. */
  approvalCardsFor(user: string, code: string): SentMessage[];
  /** The newest card `user` got for `code` that still has live buttons. */
  openApprovalCard(user: string, code: string): SentMessage | undefined;
  patchesOf(messageId: string): CardJson[];
}

/**
 * A client of `bot` (in webhook mode, behind `fake`): each delivery signed with `timestamp()`
 * (the real time when it gives undefined), and settled before the call returns.
 */
export function webhookClient(fake: FakeFeishu, bot: App, timestamp: () => string | undefined = () => undefined): WebhookClient {
  const post = async (payload: unknown) => {
    const req = signedRequest(payload, { encryptKey: ENCRYPT_KEY, timestamp: timestamp() });
    const res = await fetch(`${bot.url}/feishu/events`, { method: 'POST', headers: req.headers, body: req.body });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const settle = async () => {
    await bot.pipeline.idle();
    await bot.outbox.drain(15_000);
  };
  const messagesTo = (user: string) => fake.sent().filter((m) => m.receive_id === user || m.receive_id === p2p(user));
  const cardsTo = (user: string) => messagesTo(user).filter((m) => m.msg_type === 'interactive');

  const c: WebhookClient = {
    settle,
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
      fake.noteCallbackAnswer(res.body); // the toast and card the person sees, checked with the sent messages
      await settle();
      return res.body as TapAnswer;
    },
    async submit(user, form) {
      const before = cardsTo(user).length;
      await c.say(user, '新建接待');
      const formCard = cardsTo(user).slice(before).find((m) => titleOf(m.content) === '接待审批单');
      if (!formCard) throw new Error(`no request form card for ${user}`);
      const answer = await c.tap(user, formCard.message_id, buttonValue(formCard.content, { action: 'request.submit' }), { formValue: form });
      const code = /JD-\d{4}-\d{4,}/.exec(answer.toast?.content ?? '')?.[0];
      return { answer, formMessageId: formCard.message_id, code };
    },
    async act(user, code, decision, formValue = {}) {
      const card = c.openApprovalCard(user, code);
      if (!card) throw new Error(`${user} has no open approval card for ${code}`);
      return c.tap(user, card.message_id, buttonValue(card.content, { decision }), { formValue: { comment: '', ...formValue } });
    },
    messagesTo,
    cardsTo,
    textsTo: (user) => messagesTo(user).filter((m) => m.msg_type === 'text').map((m) => (m.content as { text: string }).text),
    approvalCardsFor: (user, code) => cardsTo(user).filter((m) => titleOf(m.content) === `接待审批：${code}`),
    openApprovalCard: (user, code) => c.approvalCardsFor(user, code).filter((m) => buttonValues(m.content).some((v) => v.action === 'approval.act')).at(-1),
    patchesOf: (messageId) => fake.patches().filter((p) => p.kind === 'patch' && p.message_id === messageId).map((p) => p.content as CardJson),
  };
  return c;
}

/**
 * The fake Feishu and the real bot in webhook mode. With `clock`, the bot runs on that clock (as
 * startBot does otherwise) and deliveries are signed with its time, so a test can move time on.
 */
export async function startHarness(opts: { clock?: () => Date } = {}): Promise<Harness> {
  const fake = await startFakeFeishu();
  const bot = await startBot({ baseUrl: fake.url, mode: 'webhook', clock: opts.clock });
  const c = webhookClient(fake, bot, () => (opts.clock ? String(Math.floor(opts.clock().getTime() / 1000)) : undefined));

  const h: Harness = {
    ...c,
    fake,
    bot,
    async close() {
      await bot.close();
      await fake.close();
    },
    tap: (user, messageId, value, formValue) => c.tap(user, messageId, value, { formValue }),
    submit: (user, form, opts = {}) => c.submit(user, opts.reason ? { ...form, reason: opts.reason } : form),
    async ask(user, text) {
      const before = c.messagesTo(user).length;
      await c.say(user, text);
      const last = c.messagesTo(user).slice(before).at(-1);
      if (!last) return {};
      return last.msg_type === 'interactive' ? { card: last.content as CardJson } : { text: (last.content as { text: string }).text };
    },
  };
  return h;
}
