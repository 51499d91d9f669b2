// The real bot in DingTalk mode (Stream client, robot send APIs, H5 form page) against the fake
// DingTalk: people say things as staff ids over the stream, tap ActionCard buttons (the command text
// the button sends, as the tapping person), and fill card forms on the bot's H5 page.
import pino from 'pino';
import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { embeddedDatabaseFor } from '../db/test-database.js';
import { DT_CLIENT_ID, DT_CLIENT_SECRET, startFakeDingTalk, type Ack, type FakeDingTalk, type RobotMessageInput, type SentRobotMessage } from './index.js';

type Obj = Record<string, unknown>;

export interface Button {
  title: string;
  url: string;
}

/** The buttons of a robot message: ActionCard buttons, then the links under 更多操作. */
export function buttonsOf(m: SentRobotMessage): Button[] {
  const p = m.msgParam;
  const out: Button[] = [];
  if (p.singleTitle) out.push({ title: p.singleTitle, url: p.singleURL });
  for (let i = 1; p[`actionTitle${i}`]; i++) out.push({ title: p[`actionTitle${i}`], url: p[`actionURL${i}`] });
  for (const [, title, url] of (p.text ?? '').matchAll(/\[([^\]]+)\]\(((?:dtmd|https?):[^)]+)\)/g)) out.push({ title, url });
  return out;
}

/** What a person reads: the title and text of a card, or a text message. */
export const textOf = (m: SentRobotMessage) => (m.msgKey === 'sampleText' ? m.msgParam.content : `${m.msgParam.title ?? ''}\n${m.msgParam.text ?? ''}`);
export const isCard = (m: SentRobotMessage) => m.msgKey === 'sampleMarkdown' || m.msgKey.startsWith('sampleActionCard');

/** The text a dtmd://dingtalkclient/sendMessage button sends. */
export function commandOf(url: string): string {
  const m = /^dtmd:\/\/dingtalkclient\/sendMessage\?content=(.*)$/.exec(url);
  if (!m) throw new Error(`not a send-message button: ${url}`);
  return decodeURIComponent(m[1]);
}

export interface FormPage {
  status: number;
  html: string;
  /** Where the page posts to (path on the bot), its nonce and its buttons' texts. */
  action?: string;
  nonce?: string;
  buttons: string[];
  /** Options of a select by field name. */
  options(name: string): string[];
}

export function parseFormPage(status: number, html: string): FormPage {
  const action = /<form[^>]* method="post" action="([^"]+)"/.exec(html)?.[1];
  const nonce = /name="_n" value="([^"]+)"/.exec(html)?.[1];
  const buttons = [...html.matchAll(/<button type="submit" name="_b" value="\d+">([^<]*)<\/button>/g)].map((m) => m[1]);
  return {
    status,
    html,
    action,
    nonce,
    buttons,
    options(name) {
      const sel = new RegExp(`<select id="f_${name}" name="${name}"[^>]*>(.*?)</select>`).exec(html)?.[1] ?? '';
      return [...sel.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]).filter(Boolean);
    },
  };
}

export interface DingTalkHarness {
  fake: FakeDingTalk;
  bot: App;
  logLines: string[];
  setDay(days: number): void;
  settle(): Promise<void>;
  close(): Promise<void>;
  /** A text from `user` one-to-one (or in the office group with `group`); resolves after the bot has answered. */
  say(user: string, text: string, opts?: Partial<RobotMessageInput>): Promise<Ack>;
  messagesTo(user: string): SentRobotMessage[];
  groupMessages(chatId: string): SentRobotMessage[];
  textsTo(user: string): string[];
  cardsTo(user: string, title?: string): SentRobotMessage[];
  /** Taps the button titled `title` on `message` as `user` (the command it sends, over the stream). */
  tap(user: string, message: SentRobotMessage, title: string, opts?: Partial<RobotMessageInput>): Promise<Ack>;
  /** Opens the H5 form behind the button titled `title`. */
  openForm(message: SentRobotMessage, title: string): Promise<FormPage>;
  /** Posts the form page with `values`, pressing the submit button `button`. */
  submitForm(page: FormPage, button: string, values: Obj): Promise<FormPage>;
}

export async function startDingTalkHarness(opts: { clock?: boolean; env?: Record<string, string> } = {}): Promise<DingTalkHarness> {
  let offset = 0;
  const clock = opts.clock ? () => new Date(Date.now() + offset) : undefined;
  const fake = await startFakeDingTalk();
  const logLines: string[] = [];
  const env = {
    PORT: '0',
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'info',
    DINGTALK_CLIENT_ID: DT_CLIENT_ID,
    DINGTALK_CLIENT_SECRET: DT_CLIENT_SECRET,
    DINGTALK_BASE_URL: fake.url,
    PUBLIC_URL: 'https://jiedai.example.gov.cn',
    ...opts.env,
  };
  const log = pino({ level: 'info' }, { write: (s: string) => void logLines.push(s) });
  const config = loadConfig(env);
  const bot = await startApp(config, { log, outboxPollMs: 100, host: '127.0.0.1', clock, dingtalkMinBackoffMs: 50, database: await embeddedDatabaseFor(config) });
  await fake.waitConnected();

  const settle = async () => {
    await bot.pipeline.idle();
    await bot.outbox.drain(15_000);
  };
  const messagesTo = (user: string) => fake.sent().filter((m) => m.kind === 'user' && m.to === user);
  const local = (url: string) => {
    const u = new URL(url);
    return `${bot.url}${u.pathname}${u.search}`;
  };

  const h: DingTalkHarness = {
    fake,
    bot,
    logLines,
    setDay(days) {
      offset = days * 86_400_000;
    },
    settle,
    async close() {
      await bot.close();
      await fake.close();
    },
    async say(user, text, o = {}) {
      const ack = await fake.say({ from: user, text, ...o });
      await settle();
      return ack;
    },
    messagesTo,
    groupMessages: (chatId) => fake.sent().filter((m) => m.kind === 'group' && m.to === chatId),
    textsTo: (user) => messagesTo(user).filter((m) => m.msgKey === 'sampleText').map((m) => m.msgParam.content),
    cardsTo: (user, title) => messagesTo(user).filter((m) => isCard(m) && (!title || m.msgParam.title === title)),
    async tap(user, message, title, o = {}) {
      const b = buttonsOf(message).find((x) => x.title === title);
      if (!b) throw new Error(`no button ${title} on ${message.msgParam.title}: ${buttonsOf(message).map((x) => x.title).join(', ')}`);
      return h.say(user, commandOf(b.url), o);
    },
    async openForm(message, title) {
      const b = buttonsOf(message).find((x) => x.title === title);
      if (!b) throw new Error(`no button ${title} on ${message.msgParam.title}: ${buttonsOf(message).map((x) => x.title).join(', ')}`);
      const res = await fetch(local(b.url));
      return parseFormPage(res.status, await res.text());
    },
    async submitForm(page, button, values) {
      const index = page.buttons.indexOf(button);
      if (!page.action || !page.nonce || index < 0) throw new Error(`the page has no form or no button ${button}`);
      const body = new URLSearchParams({ _n: page.nonce, _b: String(index) });
      for (const [k, v] of Object.entries(values)) body.set(k, String(v).replace(/ \+0800$/, ''));
      const res = await fetch(`${bot.url}${page.action}`, { method: 'POST', body });
      const out = parseFormPage(res.status, await res.text());
      await settle();
      return out;
    },
  };
  return h;
}

/** 王小明 (ou_staff1) files a request on the form page; resolves to its code. */
export async function fileRequest(h: DingTalkHarness, form: Obj): Promise<string> {
  await h.say('ou_staff1', '新建接待');
  const page = await h.openForm(h.cardsTo('ou_staff1', '接待审批单').at(-1)!, '填写并提交审批');
  const done = await h.submitForm(page, '提交审批', form);
  const code = /JD-\d{4}-\d{4,}/.exec(done.html)?.[0];
  if (!code) throw new Error('request not submitted');
  return code;
}

/** `who` taps 同意 on their latest approval card of `code`, and the bot settles. */
export async function approveAs(h: DingTalkHarness, who: string, code: string): Promise<void> {
  await h.tap(who, h.cardsTo(who, `接待审批：${code}`).at(-1)!, '同意');
  await h.settle();
}
