import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { depthWithin } from '../../lib/json-depth.js';
import { setPageHeaders, type PagePolicy } from '../../lib/page-headers.js';
import type { Db } from '../../db/client.js';
import { simChats, simImages, simMessages } from '../../db/schema/index.js';
import type { Org } from '../../org/org.js';
import { toCallbackResponse } from '../../chat/callback-response.js';
import type { Pipeline } from '../../chat/pipeline.js';
import { BOT_NAME, p2pChatId, type SimulatorMessenger } from './messenger.js';
import { receiveMultipart, sameOrigin, UploadRefused, type UploadFolder } from './upload.js';

const publicDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

/** Largest image or file a person can send on the page (Feishu's own limit for files is larger). */
export const UPLOAD_LIMIT_BYTES = 30 * 1024 * 1024;
/** Sent as an image message (shown inline); anything else is sent as a file. */
const INLINE_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp']);

/** The page: its own scripts and styles only, talking to its own API; never framed. */
const PAGE: PagePolicy = { csp: { 'script-src': "'self'", 'style-src': "'self'", 'img-src': "'self' blob: data:", 'connect-src': "'self'" } };

/** A safe media type from the part's Content-Type, or application/octet-stream. */
function mediaType(header: string | undefined): string {
  const type = (header ?? '').split(';')[0].trim().toLowerCase();
  return /^[a-z0-9][\w.+-]*\/[a-z0-9][\w.+-]*$/.test(type) ? type : 'application/octet-stream';
}

/** The file's own name, without any folder, at most 200 characters. */
function fileName(raw: unknown): string {
  const base = String(typeof raw === 'string' ? raw : '').split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return clean || '未命名文件';
}

const person = z.string().min(1).max(64);
const chatId = z.string().min(1).max(128).optional();
/** The parameters of each route: anything else is a 400, before the database is asked. */
const listQuery = z.object({
  user: person,
  after: z.string().regex(/^\d{1,15}$/, 'after 须为非负整数').transform(Number).optional(),
  wait: z.string().max(8).optional(),
});
const resourceKey = z.object({ key: z.string().regex(/^(img|file)_[A-Za-z0-9_-]{1,64}$/) });
const uploadFields = z.object({ user: person, chat_id: chatId, name: z.string().max(1000).optional() });
const sendBody = z.object({ user: person, text: z.string().trim().min(1, '消息不能为空').max(2000, '消息过长'), chat_id: z.string().optional() });
const actionBody = z.object({
  user: person,
  message_id: z.string().min(1).max(128),
  value: z.record(z.string(), z.unknown()).default({}),
  form_value: z.record(z.string(), z.unknown()).optional(),
  name: z.string().max(200).optional(),
  option: z.string().max(2000).optional(),
});

/**
 * The local simulator: a chat page and the small JSON API behind it. Messages typed here become
 * the same BotEvent a Feishu message becomes and go through the same pipeline and handlers.
 */
export function createSimulatorRoutes(opts: { db: Db; org: Org; messenger: SimulatorMessenger; pipeline: Pipeline; uploads: UploadFolder }): express.Router {
  const { db, org, messenger, pipeline, uploads } = opts;
  const router = express.Router();
  const json = express.json({ limit: '64kb' });
  const bad = (res: Response, status: number, error: string) => res.status(status).json({ error });

  router.get('/', (_req, res) => {
    setPageHeaders(res, PAGE);
    res.sendFile(path.join(publicDir, 'index.html'));
  });
  router.use('/sim', express.static(publicDir, { index: false, setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff') }));

  router.get('/sim/api/people', (_req, res) => {
    res.json({ unit: org.unit, bot: BOT_NAME, people: org.people.map(({ id, name, department }) => ({ id, name, department })) });
  });

  router.get('/sim/api/messages', async (req: Request, res: Response) => {
    const q = listQuery.safeParse(req.query);
    if (!q.success) return bad(res, 400, '请求参数无效');
    const { user, after = 0 } = q.data;
    if (!org.person(user)) return bad(res, 400, '未知人员');
    await messenger.ensureP2p(user);
    const load = () =>
      db
        .select({
          seq: simMessages.seq,
          message_id: simMessages.messageId,
          chat_id: simMessages.chatId,
          chat_name: simChats.name,
          chat_type: simChats.chatType,
          sender: simMessages.sender,
          msg_type: simMessages.msgType,
          content: simMessages.content,
          created_at: simMessages.createdAt,
        })
        .from(simMessages)
        .innerJoin(simChats, eq(simChats.chatId, simMessages.chatId))
        .where(and(gt(simMessages.seq, after), sql`${simChats.members} @> ${JSON.stringify([user])}::jsonb`))
        .orderBy(asc(simMessages.seq))
        .limit(200);
    let rows = await load();
    if (!rows.length && q.data.wait) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          messenger.changes.off('change', done);
          resolve();
        };
        const timer = setTimeout(done, 20_000);
        messenger.changes.on('change', done);
        req.on('close', done);
      });
      rows = await load();
    }
    const names = new Map(org.people.map((p) => [p.id, p.name]));
    res.json({ messages: rows.map((r) => ({ ...r, sender_name: r.sender === 'bot' ? BOT_NAME : (names.get(r.sender) ?? r.sender) })) });
  });

  /** The chat a person sends into: their one-to-one chat with the bot, or a group they are in. */
  async function chatFor(res: Response, user: string, requested: string | undefined): Promise<{ chatId: string; chatType: 'p2p' | 'group' } | undefined> {
    if (!org.person(user)) {
      bad(res, 400, '未知人员');
      return undefined;
    }
    const chatId = requested || p2pChatId(user);
    const [chat] = await db.select().from(simChats).where(eq(simChats.chatId, chatId));
    if (chat && !chat.members.includes(user)) {
      bad(res, 403, '您不在该群聊中');
      return undefined;
    }
    if (!chat && chatId !== p2pChatId(user)) {
      bad(res, 404, '会话不存在');
      return undefined;
    }
    if (!chat) await messenger.ensureP2p(user);
    return { chatId, chatType: chat?.chatType === 'group' ? 'group' : 'p2p' };
  }

  router.post('/sim/api/messages', json, async (req: Request, res: Response) => {
    const parsed = sendBody.safeParse(req.body);
    if (!parsed.success) return bad(res, 400, parsed.error.issues[0]?.message ?? '请求格式错误');
    const { user, text } = parsed.data;
    const target = await chatFor(res, user, parsed.data.chat_id);
    if (!target) return;
    const { chatId, chatType } = target;
    const messageId = await messenger.storeIncoming({ chatId, sender: user, text });
    const mention = `@${BOT_NAME}`;
    // "@钱进" typed on the page is a mention of that person, as Feishu would deliver it.
    // In the order typed, as Feishu lists them (the first named can matter: 陪同 takes it as the 主陪);
    // at one position the longest name wins (@张伟华 is not @张伟).
    const mentions = mentionsInOrder(text, org.people);
    let plain = text.replaceAll(mention, ' ');
    for (const m of mentions) plain = plain.replaceAll(`@${m.name}`, ' ');
    await pipeline.accept({
      type: 'message',
      source: 'simulator',
      eventId: randomUUID(),
      messageId,
      chatId,
      chatType,
      senderId: user,
      msgType: 'text',
      text: plain.replace(/\s+/g, ' ').trim(),
      mentionsBot: chatType === 'p2p' || text.includes(mention),
      mentions,
    });
    res.json({ message_id: messageId });
  });

  router.post('/sim/api/card-action', json, async (req: Request, res: Response) => {
    const parsed = actionBody.safeParse(req.body);
    if (!parsed.success) return bad(res, 400, '请求格式错误');
    // Refused before it is stored: a value nested thousands deep overflowed the stack on the way in.
    if (!depthWithin(parsed.data.value) || !depthWithin(parsed.data.form_value ?? {})) return bad(res, 400, '卡片数据层级过深');
    const { user, message_id, value, form_value, name, option } = parsed.data;
    if (!org.person(user)) return bad(res, 400, '未知人员');
    const [msg] = await db
      .select({ chatId: simMessages.chatId, members: simChats.members, msgType: simMessages.msgType })
      .from(simMessages)
      .innerJoin(simChats, eq(simChats.chatId, simMessages.chatId))
      .where(eq(simMessages.messageId, message_id));
    if (!msg || msg.msgType !== 'interactive' || !msg.members.includes(user)) return bad(res, 404, '卡片不存在或您无权操作');
    const result = await pipeline.act({
      type: 'card_action',
      source: 'simulator',
      eventId: randomUUID(),
      operatorId: user,
      messageId: message_id,
      chatId: msg.chatId,
      value,
      formValue: form_value,
      name,
      option,
    });
    // Feishu replaces the tapped card with the card in the callback's answer; so does the simulator.
    if (result.card) await messenger.updateCard(message_id, result.card);
    res.json(toCallbackResponse(result));
  });

  // multipart/form-data from the page itself (user, chat_id, name, then the file), streamed into the
  // upload folder; a post from another site is refused before its body is read.
  router.post('/sim/api/upload', async (req: Request, res: Response) => {
    if (!sameOrigin(req)) return bad(res, 403, '只能从模拟器页面发送文件');
    let got;
    try {
      got = await receiveMultipart(req, uploads, UPLOAD_LIMIT_BYTES);
    } catch (err) {
      if (!(err instanceof UploadRefused)) throw err;
      res.set('Connection', 'close');
      return bad(res, err.status, err.message);
    }
    const stored = got.file;
    const drop = () => (stored ? uploads.remove(stored.stored) : Promise.resolve());
    const fields = uploadFields.safeParse(got.fields);
    if (!fields.success || !stored) {
      await drop();
      return bad(res, 400, fields.success ? '请选择要发送的文件' : '请求参数无效');
    }
    if (stored.size === 0) {
      await drop();
      return bad(res, 400, '文件为空，请重新选择');
    }
    const { user } = fields.data;
    const target = await chatFor(res, user, fields.data.chat_id);
    if (!target) return void (await drop());
    const { chatId, chatType } = target;
    const contentType = mediaType(stored.contentType);
    const kind = INLINE_IMAGE_TYPES.has(contentType) ? 'image' : 'file';
    const name = fileName(fields.data.name ?? stored.filename);
    const { messageId, key } = await messenger.storeIncomingResource({ chatId, sender: user, kind, stored: stored.stored, size: stored.size, contentType, name });
    await pipeline.accept({
      type: 'message',
      source: 'simulator',
      eventId: randomUUID(),
      messageId,
      chatId,
      chatType,
      senderId: user,
      msgType: kind,
      text: '',
      // An image or file carries no @mention: in a group the bot does not see it as addressed to it.
      mentionsBot: chatType === 'p2p',
      mentions: [],
      // As Feishu: an image message names only its key, a file message also the file's name.
      resource: kind === 'image' ? { key, kind } : { key, kind, name },
    });
    res.json({ message_id: messageId, msg_type: kind, key });
  });

  // What a person sent is served as sent: images inline (known raster types only), files as downloads.
  /** The bytes of a stored resource: in the row (what the bot uploaded) or in the upload folder. */
  const serve = (res: Response, row: typeof simImages.$inferSelect) => (row.data ? res.send(row.data) : res.sendFile(uploads.pathOf(row.file!)));

  router.get('/sim/api/images/:key', async (req: Request, res: Response) => {
    const p = resourceKey.safeParse(req.params);
    if (!p.success) return bad(res, 400, '请求参数无效');
    const [img] = await db.select().from(simImages).where(eq(simImages.key, p.data.key));
    if (!img || !INLINE_IMAGE_TYPES.has(img.contentType)) return bad(res, 404, '图片不存在');
    serve(res.set('X-Content-Type-Options', 'nosniff').type(img.contentType), img);
  });

  router.get('/sim/api/files/:key', async (req: Request, res: Response) => {
    const p = resourceKey.safeParse(req.params);
    if (!p.success) return bad(res, 400, '请求参数无效');
    const { key } = p.data;
    const [file] = key.startsWith('file_') ? await db.select().from(simImages).where(eq(simImages.key, key)) : [];
    if (!file) return bad(res, 404, '文件不存在');
    serve(res.set('X-Content-Type-Options', 'nosniff').attachment(file.name ?? key).type(file.contentType), file);
  });

  return router;
}

/** The people "@名字" names in `text`, in the order typed, each once; the longest name wins at a position. */
export function mentionsInOrder(text: string, people: readonly { id: string; name: string }[]): { id: string; name: string }[] {
  const at = new Map<number, { id: string; name: string }>();
  for (const p of people) {
    const needle = `@${p.name}`;
    for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      const held = at.get(i);
      if (!held || held.name.length < p.name.length) at.set(i, { id: p.id, name: p.name });
    }
  }
  const seen = new Set<string>();
  return [...at.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, m]) => m)
    .filter((m) => !seen.has(m.id) && seen.add(m.id));
}
