import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Card } from '../../cards/card.js';
import type { Executor } from '../../db/client.js';
import { enqueue } from '../../chat/outbox.js';
import { MessengerError, type Messenger, type OutgoingMessage, type Recipient } from '../../chat/messenger.js';
import { createDingTalkApi, type DingTalkApi } from './api.js';
import { createDingTalkCalendar } from './calendar.js';
import { createDingTalkTodos } from './todos.js';
import { renderCard, type RobotMessage } from './render.js';

export interface DingTalkMessengerOptions {
  clientId: string;
  clientSecret: string;
  robotCode: string;
  baseUrl: string;
  oapiBaseUrl: string;
  /** Where the bot's H5 form page is reachable, and the key that signs actions and form links. */
  publicUrl: string;
  tokenKey: Buffer;
  /** The reception office's group: where a reception's posts go, since the bot does not create groups on DingTalk. */
  fallbackChatId: string;
  log: Logger;
  timeoutMs?: number;
  formTtlMs?: number;
  clock?: () => Date;
  /** The form page signs people in through DingTalk (DINGTALK_CORP_ID set). */
  formSignIn?: boolean;
}

/** One-to-one conversations are named `p2p:<staffId>` (as in the simulator); anything else is a group's openConversationId. */
export const p2pChat = (staffId: string) => `p2p:${staffId}`;
const P2P = /^p2p:(.+)$/;

/**
 * Message ids on DingTalk are the bot's own: `dtm|<chat>|<uuid>` for what it sends (the outbox row id,
 * so a retry names the same message) and `dtin|<chat>|<msgId>` for what people send. The robot send
 * APIs answer only a processQueryKey, and the chat is needed later to reply in it.
 */
export const sentMessageId = (chatId: string, uuid: string) => `dtm|${chatId}|${uuid}`;
export const inboundMessageId = (chatId: string, msgId: string) => `dtin|${chatId}|${msgId}`;
/**
 * The update of a tapped card, written in the tap's transaction. A robot cannot edit what it sent,
 * so each update goes out as a new message; keyed by the outbox row that sent the card (the uuid in
 * `dtm|<chat>|<uuid>`), it replaces the update the domain queued for the same card in that
 * transaction, so one tap brings one card.
 */
export function enqueueCardAnswer(tx: Executor, messageId: string, card: Card): Promise<string> {
  const m = parseMessageId(messageId);
  return enqueue(tx, m?.sent ? { op: 'update_card', sentBy: m.key, card } : { op: 'update_card', messageId, card });
}
/** A bot message id's parts: whether the bot sent it, its chat, and the outbox row (or inbound msgId). */
function parseMessageId(messageId: string): { sent: boolean; chat: string; key: string } | undefined {
  const m = /^dt(m|in)\|(.+)\|([^|]+)$/.exec(messageId);
  return m ? { sent: m[1] === 'm', chat: m[2], key: m[3] } : undefined;
}
export function chatOfMessage(messageId: string): string | undefined {
  return parseMessageId(messageId)?.chat;
}

export interface DingTalkMessenger extends Messenger {
  readonly api: DingTalkApi;
  /** The robot message a card or text becomes for a conversation (the contract suite reads it). */
  toRobotMessage(chatId: string, message: OutgoingMessage, messageId: string): RobotMessage;
}

export function createDingTalkMessenger(opts: DingTalkMessengerOptions): DingTalkMessenger {
  const api = createDingTalkApi({ ...opts, clock: opts.clock ? () => opts.clock!().getTime() : undefined });
  const now = () => (opts.clock ? opts.clock() : new Date()).getTime();
  const formTtlMs = opts.formTtlMs ?? 72 * 3_600_000;
  const lastUpdate = new Map<string, string>();

  function toRobotMessage(chatId: string, m: OutgoingMessage, messageId: string): RobotMessage {
    switch (m.kind) {
      case 'text':
        return { msgKey: 'sampleText', msgParam: { content: m.text } };
      case 'card': {
        const user = P2P.exec(chatId)?.[1];
        return renderCard(m.card, { messageId: m.actsOn ?? messageId, chatId, user, key: opts.tokenKey, publicUrl: opts.publicUrl, now: now(), formTtlMs, signIn: opts.formSignIn });
      }
      case 'image':
        return { msgKey: 'sampleImageMsg', msgParam: { photoURL: m.imageKey } };
      case 'file': {
        const f = decodeFileKey(m.fileKey);
        return { msgKey: 'sampleFile', msgParam: { mediaId: f.m, fileName: f.n, fileType: /\.([a-z0-9]+)$/i.exec(f.n)?.[1]?.toLowerCase() ?? 'file' } };
      }
    }
  }

  async function deliver(chatId: string, message: OutgoingMessage, uuid: string): Promise<{ messageId: string }> {
    const messageId = sentMessageId(chatId, uuid);
    await post(chatId, toRobotMessage(chatId, message, messageId));
    return { messageId };
  }

  async function post(chatId: string, robot: RobotMessage): Promise<void> {
    const msgParam = JSON.stringify(fit(robot).msgParam);
    const user = P2P.exec(chatId)?.[1];
    if (user) {
      const res = await api.call<{ processQueryKey?: string; invalidStaffIdList?: string[]; flowControlledStaffIdList?: string[] }>('send to person', '/v1.0/robot/oToMessages/batchSend', {
        robotCode: opts.robotCode,
        userIds: [user],
        msgKey: robot.msgKey,
        msgParam,
      });
      if (res.invalidStaffIdList?.includes(user)) throw new MessengerError(`send to person: ${user} is not a staff id the robot can reach`, false);
      if (res.flowControlledStaffIdList?.includes(user)) throw new MessengerError(`send to person: ${user} flow controlled`, true, { retryAfterMs: 2000 });
    } else {
      await api.call<{ processQueryKey?: string }>('send to group', '/v1.0/robot/groupMessages/send', {
        robotCode: opts.robotCode,
        openConversationId: chatId,
        msgKey: robot.msgKey,
        msgParam,
      });
    }
  }

  return {
    name: 'dingtalk',
    api,
    // 待办 (DINGTALK_TODO_SYNC=on) and the leaders' calendars (DINGTALK_CALENDAR_SYNC=on): todos.ts, calendar.ts.
    todos: createDingTalkTodos(api, opts.publicUrl),
    calendar: createDingTalkCalendar(api),
    toRobotMessage,
    send(to: Recipient, message, { uuid }) {
      return deliver(to.type === 'user' ? p2pChat(to.id) : to.id, message, uuid);
    },
    reply(messageId, message, { uuid }) {
      const chat = chatOfMessage(messageId);
      if (!chat) return Promise.reject(new MessengerError(`reply: ${messageId} is not a DingTalk message id`, false));
      return deliver(chat, message, uuid);
    },
    async updateCard(messageId, card) {
      // A robot's ActionCard cannot be edited once sent: the card as it now stands is sent again into
      // the same conversation, under the same message id (its buttons act on the same card), so the
      // person always has the current buttons (a settlement's 签字 carries the content it signs).
      // The same content twice is sent once; buttons on older copies are refused by the domain's checks.
      const chat = chatOfMessage(messageId);
      if (!chat) throw new MessengerError(`update card: ${messageId} is not a DingTalk message id`, false);
      const robot = toRobotMessage(chat, { kind: 'card', card }, messageId);
      const digest = createHash('sha256').update(JSON.stringify(card)).digest('hex');
      if (lastUpdate.get(messageId) === digest) return;
      await post(chat, robot);
      lastUpdate.set(messageId, digest);
      if (lastUpdate.size > 5000) lastUpdate.delete(lastUpdate.keys().next().value!);
    },
    async pin() {
      // Robots cannot pin messages on DingTalk.
    },
    async createChat({ name }) {
      // Creating a group needs a scene-group template registered by the unit's admin; until then a
      // reception's posts go to the office group (as with plan.group_chat: false on Feishu).
      opts.log.info({ name, chatId: opts.fallbackChatId }, 'dingtalk: reception group not created, the office group is used');
      return { chatId: opts.fallbackChatId };
    },
    async addMembers() {
      // See createChat: the office group's members are managed in DingTalk.
    },
    async uploadImage(data) {
      return { imageKey: await api.upload('image', data, 'image.png') };
    },
    async uploadFile(data, name) {
      const mediaId = await api.upload('file', data, name);
      return { fileKey: Buffer.from(JSON.stringify({ m: mediaId, n: name })).toString('base64url') };
    },
    async downloadResource(_messageId, key) {
      const res = await api.call<{ downloadUrl?: string }>('download', '/v1.0/robot/messageFiles/download', { downloadCode: key, robotCode: opts.robotCode });
      if (!res.downloadUrl) throw new MessengerError('download: no downloadUrl', true);
      return api.download('download', res.downloadUrl);
    },
  };
}

/** DingTalk takes at most 15,000 bytes of msgParam: a longer card keeps its buttons and loses the end of its text. */
export function fit(robot: RobotMessage, limit = 15_000): RobotMessage {
  const size = (m: RobotMessage) => Buffer.byteLength(JSON.stringify(m.msgParam));
  const field = robot.msgParam.text !== undefined ? 'text' : robot.msgParam.content !== undefined ? 'content' : undefined;
  if (size(robot) <= limit || !field) return robot;
  const full = robot.msgParam[field];
  let keep = full.length;
  let out = robot;
  while (keep > 0 && size(out) > limit) {
    keep = Math.floor(keep * 0.8);
    out = { ...robot, msgParam: { ...robot.msgParam, [field]: `${full.slice(0, keep)}\n\n……（内容较长，其余从略，请发送命令查看详情）` } };
  }
  return out;
}

function decodeFileKey(key: string): { m: string; n: string } {
  try {
    const f = JSON.parse(Buffer.from(key, 'base64url').toString()) as { m?: string; n?: string };
    if (typeof f.m === 'string' && typeof f.n === 'string') return { m: f.m, n: f.n };
  } catch {
    // fall through
  }
  throw new MessengerError(`send file: ${key} is not a file this messenger uploaded`, false);
}
