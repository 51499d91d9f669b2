// The messenger port's contract, run against every implementation: Feishu (the official SDK against
// the fake Feishu), DingTalk (the robot APIs and Stream client against the fake DingTalk) and the
// local simulator (PGlite). The same scenarios, observed where each platform shows them.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { asc, eq } from 'drizzle-orm';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { button, card, md } from '../../src/cards/elements.js';
import type { Card } from '../../src/cards/card.js';
import { createDingTalkMessenger } from '../../src/platforms/dingtalk/messenger.js';
import { tokenKey } from '../../src/platforms/dingtalk/tokens.js';
import { startDingTalkTransport } from '../../src/platforms/dingtalk/transport.js';
import type { CardActionEvent, CardActionResult } from '../../src/chat/event.js';
import { createFeishuMessenger } from '../../src/platforms/feishu/messenger.js';
import { createFeishuWebhook } from '../../src/platforms/feishu/webhook.js';
import type { Messenger, Recipient } from '../../src/chat/messenger.js';
import type { Pipeline } from '../../src/chat/pipeline.js';
import { createSimulatorMessenger } from '../../src/platforms/simulator/messenger.js';
import { createUploadFolder } from '../../src/platforms/simulator/upload.js';
import { createSimulatorRoutes } from '../../src/platforms/simulator/routes.js';
import { bundled } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { simImages, simMessages } from '../../src/db/schema/index.js';
import { loadOrg } from '../../src/org/org.js';
import { openEmbeddedDatabase } from '../db/test-database.js';
import { buttonsOf, commandOf } from '../fake-dingtalk/bot-harness.js';
import { DT_CLIENT_ID, DT_CLIENT_SECRET, DT_ROBOT_CODE, startFakeDingTalk } from '../fake-dingtalk/index.js';
import { buildCardAction, DEFAULT_APP_ID, DEFAULT_APP_SECRET, signedRequest, startFakeFeishu } from '../fake-feishu/index.js';
import { buttonValues, cardText } from './approval-harness.js';

type Obj = Record<string, unknown>;
const log = pino({ level: 'silent' });
const org = loadOrg(bundled.org);
const USER = 'ou_head1';
const GROUP = 'oc_office';

/** What a person sees of one message: its kind, its text, the buttons, a file's bytes. */
interface Seen {
  kind: 'text' | 'card' | 'file' | 'other';
  text: string;
  actions: string[];
  bytes?: Buffer;
  raw: unknown;
}

interface Subject {
  name: string;
  messenger: Messenger;
  /** Whether an updated card changes in place (Feishu, simulator) or is sent again (DingTalk ActionCards). */
  updatesInPlace: boolean;
  seen(to: Recipient): Promise<Seen[]>;
  /** `user` taps `label` on the card `item`: the card action the transport hands the pipeline. */
  tap(user: string, item: Seen, label: string): Promise<CardActionEvent>;
  close(): Promise<void>;
}

/** A pipeline that records what the transports hand it and answers every tap with a toast. */
function recordingPipeline(): Pipeline & { acts: CardActionEvent[] } {
  const acts: CardActionEvent[] = [];
  return {
    acts,
    accept: async () => 'accepted',
    act: async (e): Promise<CardActionResult> => {
      acts.push(e);
      return { toast: { type: 'success', content: '已办理' } };
    },
    recover: async () => 0,
    take: () => undefined,
    idle: async () => undefined,
  };
}

async function serve(router: express.RequestHandler | express.Router): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.use(router);
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
  };
}

const feishuButtonTexts = (c: unknown): string[] => {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (typeof n !== 'object' || n === null) return;
    const o = n as Obj;
    if (o.tag === 'button') out.push(String((o.text as Obj | undefined)?.content ?? ''));
    Object.values(o).forEach(walk);
  };
  walk(c);
  return out;
};

async function feishuSubject(): Promise<Subject> {
  const fake = await startFakeFeishu({ checkUserText: false }); // the messenger alone, with synthetic content
  const messenger = createFeishuMessenger({ appId: DEFAULT_APP_ID, appSecret: DEFAULT_APP_SECRET, baseUrl: fake.url, log, timeoutMs: 5000 });
  const pipeline = recordingPipeline();
  const encryptKey = 'contract-encrypt-key';
  const web = await serve(createFeishuWebhook({ encryptKey, pipeline, log }));
  return {
    name: 'feishu',
    messenger,
    updatesInPlace: true,
    async seen(to) {
      return fake
        .sent()
        .filter((m) => (to.type === 'user' ? m.receive_id === to.id : m.chat_id === to.id))
        .map((m) => {
          const c = m.content as Obj;
          if (m.msg_type === 'text') return { kind: 'text', text: String(c.text), actions: [], raw: m };
          if (m.msg_type === 'interactive') return { kind: 'card', text: cardText(c), actions: feishuButtonTexts(c), raw: m };
          if (m.msg_type === 'file') return { kind: 'file', text: '', actions: [], bytes: fake.uploads().find((u) => u.key === c.file_key)?.bytes, raw: m };
          return { kind: 'other', text: '', actions: [], raw: m };
        });
    },
    async tap(user, item, label) {
      const m = item.raw as { message_id: string; chat_id: string; content: unknown };
      const value = buttonValues(m.content)[feishuButtonTexts(m.content).indexOf(label)];
      const req = signedRequest(buildCardAction({ operatorOpenId: user, messageId: m.message_id, chatId: m.chat_id, value }), { encryptKey });
      const res = await fetch(`${web.url}/feishu/events`, { method: 'POST', headers: req.headers, body: req.body });
      expect(res.status).toBe(200);
      return pipeline.acts.at(-1)!;
    },
    async close() {
      await web.close();
      await fake.close();
    },
  };
}

async function simulatorSubject(database: Database): Promise<Subject> {
  const uploads = createUploadFolder('memory://');
  const messenger = createSimulatorMessenger(database.db, uploads);
  await messenger.ensureOfficeChat(org);
  const pipeline = recordingPipeline();
  const web = await serve(createSimulatorRoutes({ db: database.db, org, messenger, pipeline, uploads }));
  const { db } = database;
  return {
    name: 'simulator',
    messenger,
    updatesInPlace: true,
    async seen(to) {
      const chatId = to.type === 'user' ? `p2p:${to.id}` : to.id;
      const rows = await db.select().from(simMessages).where(eq(simMessages.chatId, chatId)).orderBy(asc(simMessages.createdAt));
      const out: Seen[] = [];
      for (const m of rows) {
        const c = m.content as Obj;
        if (m.msgType === 'text') out.push({ kind: 'text', text: String(c.text), actions: [], raw: m });
        else if (m.msgType === 'interactive') out.push({ kind: 'card', text: cardText(c), actions: feishuButtonTexts(c), raw: m });
        else if (m.msgType === 'file') {
          const [f] = await db.select().from(simImages).where(eq(simImages.key, String(c.file_key)));
          out.push({ kind: 'file', text: String(c.file_name ?? ''), actions: [], bytes: f?.data ? Buffer.from(f.data) : undefined, raw: m });
        } else out.push({ kind: 'other', text: '', actions: [], raw: m });
      }
      return out;
    },
    async tap(user, item, label) {
      const m = item.raw as { messageId: string; content: unknown };
      const value = buttonValues(m.content)[feishuButtonTexts(m.content).indexOf(label)];
      const res = await fetch(`${web.url}/sim/api/card-action`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, message_id: m.messageId, value }) });
      expect(res.status).toBe(200);
      return pipeline.acts.at(-1)!;
    },
    close: () => web.close(),
  };
}

async function dingtalkSubject(database: Database): Promise<Subject> {
  const fake = await startFakeDingTalk();
  const key = tokenKey('contract-link-secret-0123456789');
  const common = { clientId: DT_CLIENT_ID, clientSecret: DT_CLIENT_SECRET, robotCode: DT_ROBOT_CODE, baseUrl: fake.url, log };
  const messenger = createDingTalkMessenger({ ...common, oapiBaseUrl: fake.url, publicUrl: 'https://jiedai.example.gov.cn', tokenKey: key, fallbackChatId: GROUP });
  const pipeline = recordingPipeline();
  const stream = startDingTalkTransport({ ...common, tokenKey: key, pipeline, db: database.db, afterCommit: () => undefined, minBackoffMs: 50 });
  await fake.waitConnected();
  return {
    name: 'dingtalk',
    messenger,
    updatesInPlace: false,
    async seen(to) {
      const target = to.type === 'user' ? to.id : to.id.replace(/^p2p:/, '');
      const kind = to.type === 'user' || to.id.startsWith('p2p:') ? 'user' : 'group';
      return fake
        .sent()
        .filter((m) => m.kind === kind && m.to === target)
        .map((m) => {
          const p = m.msgParam;
          if (m.msgKey === 'sampleText') return { kind: 'text', text: p.content, actions: [], raw: m };
          if (m.msgKey === 'sampleMarkdown' || m.msgKey.startsWith('sampleActionCard')) return { kind: 'card', text: `${p.title}\n${p.text}`, actions: buttonsOf(m).map((b) => b.title), raw: m };
          if (m.msgKey === 'sampleFile') return { kind: 'file', text: p.fileName, actions: [], bytes: fake.uploads().find((u) => u.mediaId === p.mediaId)?.bytes, raw: m };
          return { kind: 'other', text: '', actions: [], raw: m };
        });
    },
    async tap(user, item, label) {
      const b = buttonsOf(item.raw as Parameters<typeof buttonsOf>[0]).find((x) => x.title === label)!;
      const n = pipeline.acts.length;
      const ack = await fake.say({ from: user, text: commandOf(b.url) });
      expect(ack.code).toBe(200);
      expect(pipeline.acts.length).toBe(n + 1);
      return pipeline.acts.at(-1)!;
    },
    async close() {
      stream.close();
      await fake.close();
    },
  };
}

const approvalCard = (note: string): Card =>
  card({
    title: '接待审批：JD-2026-0099',
    elements: [md(`**来访单位**：省发展和改革委员会\n${note}`), button({ text: '同意', type: 'primary', value: { action: 'approval.act', code: 'JD-2026-0099', approval: 7, round: 1, decision: 'approve' } })],
  });

let database: Database;
const subjects: Subject[] = [];

beforeAll(async () => {
  database = await openEmbeddedDatabase();
  subjects.push(await feishuSubject(), await dingtalkSubject(database), await simulatorSubject(database));
}, 60_000);
afterAll(async () => {
  for (const s of subjects) await s.close().catch(() => undefined);
  await database?.close();
});

describe.each(['feishu', 'dingtalk', 'simulator'])('the messenger port on %s', (name) => {
  const subject = () => subjects.find((s) => s.name === name)!;
  let seq = 0;
  const uuid = () => `${name}-contract-${++seq}`;

  it('delivers a text to a person', async () => {
    const s = subject();
    await s.messenger.send({ type: 'user', id: USER }, { kind: 'text', text: '明日上午九时接待省发改委一行，请准时到岗。' }, { uuid: uuid() });
    expect((await s.seen({ type: 'user', id: USER })).at(-1)).toMatchObject({ kind: 'text', text: '明日上午九时接待省发改委一行，请准时到岗。' });
  });

  it('delivers a text to a group and replies in that group to a message in it', async () => {
    const s = subject();
    const { messageId } = await s.messenger.send({ type: 'chat', id: GROUP }, { kind: 'text', text: '接待办晨报：今日接待一批。' }, { uuid: uuid() });
    await s.messenger.reply(messageId, { kind: 'text', text: '已收悉。' }, { uuid: uuid() });
    const texts = (await s.seen({ type: 'chat', id: GROUP })).map((m) => m.text);
    expect(texts.slice(-2)).toEqual(['接待办晨报：今日接待一批。', '已收悉。']);
  });

  it('sends a card whose title, text and action the person sees', async () => {
    const s = subject();
    await s.messenger.send({ type: 'user', id: USER }, { kind: 'card', card: approvalCard('待您审批') }, { uuid: uuid() });
    const last = (await s.seen({ type: 'user', id: USER })).at(-1)!;
    expect(last.kind).toBe('card');
    expect(last.text).toContain('接待审批：JD-2026-0099');
    expect(last.text).toContain('省发展和改革委员会');
    expect(last.actions).toContain('同意');
  });

  it("brings a tap back as a card action with the tapping person as operator, the button's value and the card's message id", async () => {
    const s = subject();
    const { messageId } = await s.messenger.send({ type: 'user', id: USER }, { kind: 'card', card: approvalCard('待您审批') }, { uuid: uuid() });
    const item = (await s.seen({ type: 'user', id: USER })).at(-1)!;
    const event = await s.tap(USER, item, '同意');
    expect(event).toMatchObject({ type: 'card_action', source: name === 'simulator' ? 'simulator' : name, operatorId: USER, messageId });
    expect(event.value).toEqual({ action: 'approval.act', code: 'JD-2026-0099', approval: 7, round: 1, decision: 'approve' });
  });

  it('shows an updated card to the person: in place where the platform can edit cards, sent again on DingTalk', async () => {
    const s = subject();
    const { messageId } = await s.messenger.send({ type: 'user', id: USER }, { kind: 'card', card: approvalCard('待您审批') }, { uuid: uuid() });
    const before = (await s.seen({ type: 'user', id: USER })).length;
    await s.messenger.updateCard(messageId, approvalCard('已同意（李建国）'));
    const after = await s.seen({ type: 'user', id: USER });
    expect(after.at(-1)!.text).toContain('已同意（李建国）');
    expect(after.length).toBe(s.updatesInPlace ? before : before + 1);
    // The same content again changes nothing anywhere.
    await s.messenger.updateCard(messageId, approvalCard('已同意（李建国）'));
    expect((await s.seen({ type: 'user', id: USER })).length).toBe(after.length);
  });

  it('uploads a file and sends it to a person, who receives the same bytes', async () => {
    const s = subject();
    const bytes = Buffer.from('PK\u0003\u0004 接待台账 2026');
    const { fileKey } = await s.messenger.uploadFile(bytes, '接待台账2026.xlsx');
    await s.messenger.send({ type: 'user', id: USER }, { kind: 'file', fileKey }, { uuid: uuid() });
    const last = (await s.seen({ type: 'user', id: USER })).at(-1)!;
    expect(last.kind).toBe('file');
    expect(last.bytes?.equals(bytes)).toBe(true);
  });
});
