import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { simChats, simImages, simMessages } from '../../db/schema/index.js';
import type { Org } from '../../org/org.js';
import { MessengerError, type Messenger, type OutgoingMessage } from '../../chat/messenger.js';
import type { UploadFolder } from './upload.js';

export const BOT_NAME = '接待助手';
export const p2pChatId = (userId: string) => `p2p:${userId}`;

/**
 * The local simulator's "Feishu": the outbox delivers into these tables, and the chat page
 * reads them. It keeps Feishu's promises that matter: a `uuid` is delivered once, an updated
 * card keeps its message id.
 */
export interface SimulatorMessenger extends Messenger {
  readonly changes: EventEmitter;
  ensureP2p(userId: string): Promise<string>;
  /** Stores a message a person typed (the page shows it), returning its id. */
  storeIncoming(input: { chatId: string; sender: string; text: string }): Promise<string>;
  /**
   * Stores an image or file a person sent on the page and the message that shows it, the way
   * Feishu does: the message content names the resource key, and `downloadResource` returns the bytes.
   */
  storeIncomingResource(input: IncomingResource): Promise<{ messageId: string; key: string }>;
  /** Creates the office chat named in the org file so broadcasts have somewhere to go. */
  ensureOfficeChat(org: Org): Promise<void>;
}

export interface IncomingResource {
  chatId: string;
  sender: string;
  kind: 'image' | 'file';
  /** The file as received into the upload folder (upload.ts): its name there and its size. */
  stored: string;
  size: number;
  contentType: string;
  /** The file's name as the person's computer had it. */
  name: string;
}

export const simImageUrl = (key: string) => `/sim/api/images/${encodeURIComponent(key)}`;
export const simFileUrl = (key: string) => `/sim/api/files/${encodeURIComponent(key)}`;

/** The resource keys a simulator message carries (as Feishu's image_key / file_key in the content). */
function resourceOf(msgType: string, content: unknown): { key: string; kind: 'image' | 'file' } | undefined {
  const c = (content ?? {}) as Record<string, unknown>;
  if (msgType === 'image' && typeof c.image_key === 'string') return { key: c.image_key, kind: 'image' };
  if (msgType === 'file' && typeof c.file_key === 'string') return { key: c.file_key, kind: 'file' };
  return undefined;
}

/** The download's content type, by the name the bot gave the file. */
function contentTypeOf(name: string): string {
  if (/\.xlsx$/i.test(name)) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  if (/\.pdf$/i.test(name)) return 'application/pdf';
  return 'application/octet-stream';
}

export function createSimulatorMessenger(db: Db, uploads: UploadFolder): SimulatorMessenger {
  const changes = new EventEmitter();
  changes.setMaxListeners(1000);
  const changed = () => changes.emit('change');

  const toContent = async (m: OutgoingMessage): Promise<{ msgType: string; content: unknown }> => {
    switch (m.kind) {
      case 'text':
        return { msgType: 'text', content: { text: m.text } };
      case 'card':
        return { msgType: 'interactive', content: m.card };
      case 'image':
        return { msgType: 'image', content: { image_key: m.imageKey, url: simImageUrl(m.imageKey) } };
      case 'file': {
        // The page's file chip shows the name and size, as for a file a person sent.
        const [f] = await db
          .select({ name: simImages.name, size: sql<number>`octet_length(${simImages.data})` })
          .from(simImages)
          .where(eq(simImages.key, m.fileKey));
        if (!f) throw new MessengerError(`simulator: no file ${m.fileKey}`, false, { platformCode: 234003 });
        return { msgType: 'file', content: { file_key: m.fileKey, file_name: f.name ?? m.fileKey, size: Number(f.size), url: simFileUrl(m.fileKey) } };
      }
    }
  };

  async function ensureP2p(userId: string): Promise<string> {
    const chatId = p2pChatId(userId);
    await db.insert(simChats).values({ chatId, name: BOT_NAME, chatType: 'p2p', members: [userId] }).onConflictDoNothing();
    return chatId;
  }

  async function insert(chatId: string, message: OutgoingMessage, uuid: string, replyTo?: string) {
    const [chat] = await db.select().from(simChats).where(eq(simChats.chatId, chatId));
    if (!chat) throw new MessengerError(`simulator: no chat ${chatId}`, false, { platformCode: 230002 });
    const { msgType, content } = await toContent(message);
    const messageId = `sim_m_${randomUUID().slice(0, 12)}`;
    const rows = await db
      .insert(simMessages)
      .values({ messageId, chatId, sender: 'bot', msgType, content, uuid, replyTo })
      .onConflictDoNothing()
      .returning({ messageId: simMessages.messageId });
    if (rows.length) {
      changed();
      return { messageId };
    }
    const [existing] = await db.select({ messageId: simMessages.messageId }).from(simMessages).where(eq(simMessages.uuid, uuid));
    return { messageId: existing.messageId };
  }

  return {
    name: 'simulator',
    changes,
    ensureP2p,
    async ensureOfficeChat(org) {
      const members = [org.reception_office.director, ...org.reception_office.staff];
      await db.insert(simChats).values({ chatId: org.reception_office.chat_id, name: '接待办工作群', chatType: 'group', members }).onConflictDoNothing();
    },
    async storeIncoming({ chatId, sender, text }) {
      const messageId = `sim_m_${randomUUID().slice(0, 12)}`;
      await db.insert(simMessages).values({ messageId, chatId, sender, msgType: 'text', content: { text } });
      changed();
      return messageId;
    },
    async storeIncomingResource({ chatId, sender, kind, stored, size, contentType, name }) {
      const messageId = `sim_m_${randomUUID().slice(0, 12)}`;
      const key = `${kind === 'image' ? 'img' : 'file'}_sim_${randomUUID().slice(0, 12)}`;
      const content =
        kind === 'image'
          ? { image_key: key, url: simImageUrl(key) }
          : { file_key: key, file_name: name, size, url: simFileUrl(key) };
      await db.transaction(async (tx) => {
        await tx.insert(simImages).values({ key, contentType, name, file: stored });
        await tx.insert(simMessages).values({ messageId, chatId, sender, msgType: kind, content });
      });
      changed();
      return { messageId, key };
    },
    async send(to, message, { uuid }) {
      const chatId = to.type === 'user' ? await ensureP2p(to.id) : to.id;
      return insert(chatId, message, uuid);
    },
    async reply(messageId, message, { uuid }) {
      const [orig] = await db.select().from(simMessages).where(eq(simMessages.messageId, messageId));
      if (!orig) throw new MessengerError(`simulator: no message ${messageId}`, false, { platformCode: 230011 });
      return insert(orig.chatId, message, uuid, messageId);
    },
    async updateCard(messageId, card) {
      const rows = await db
        .update(simMessages)
        .set({ content: card, seq: sql`nextval('sim_seq')`, updatedAt: new Date() })
        .where(eq(simMessages.messageId, messageId))
        .returning({ messageId: simMessages.messageId });
      if (!rows.length) throw new MessengerError(`simulator: no message ${messageId}`, false, { platformCode: 230011 });
      changed();
    },
    async pin() {
      // The simulator page shows cards in order; pinning has nothing to show.
    },
    async createChat({ name, userIds, uuid }) {
      const chatId = `oc_sim_${randomUUID().slice(0, 12)}`;
      await db.insert(simChats).values({ chatId, name, chatType: 'group', members: userIds, uuid }).onConflictDoNothing();
      const [chat] = await db.select().from(simChats).where(eq(simChats.uuid, uuid));
      changed();
      return { chatId: chat.chatId };
    },
    async addMembers(chatId, userIds) {
      const [chat] = await db.select().from(simChats).where(eq(simChats.chatId, chatId));
      if (!chat) throw new MessengerError(`simulator: no chat ${chatId}`, false, { platformCode: 232010 });
      const members = [...new Set([...chat.members, ...userIds])];
      await db.update(simChats).set({ members }).where(eq(simChats.chatId, chatId));
      changed();
    },
    async uploadImage(data) {
      const key = `img_sim_${randomUUID().slice(0, 12)}`;
      await db.insert(simImages).values({ key, contentType: 'image/png', data });
      return { imageKey: key };
    },
    async uploadFile(data, name) {
      const key = `file_sim_${randomUUID().slice(0, 12)}`;
      await db.insert(simImages).values({ key, contentType: contentTypeOf(name), name, data });
      return { fileKey: key };
    },
    async downloadResource(messageId, key, kind) {
      // Feishu hands out a message's resource only with that message's id and the right type.
      const [msg] = await db.select().from(simMessages).where(eq(simMessages.messageId, messageId));
      if (!msg) throw new MessengerError(`simulator: no message ${messageId}`, false, { platformCode: 230011 });
      const res = resourceOf(msg.msgType, msg.content);
      if (!res || res.key !== key || res.kind !== kind) {
        throw new MessengerError(`simulator: message ${messageId} has no ${kind} ${key}`, false, { platformCode: 234003 });
      }
      const [img] = await db.select().from(simImages).where(eq(simImages.key, key));
      if (!img) throw new MessengerError(`simulator: no resource ${key}`, false, { platformCode: 234003 });
      return img.data ?? (await uploads.read(img.file!));
    },
  };
}
