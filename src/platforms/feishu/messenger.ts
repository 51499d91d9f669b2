import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import type { Card } from '../../cards/card.js';
import { MessengerError, type Messenger, type OutgoingMessage, type Recipient } from '../../chat/messenger.js';
import { createSdkLogger } from './sdk-logger.js';
import { feishuApprovalCenter } from './approval-center.js';
import { createFeishuCalendar } from './calendar.js';
import type { FeishuCall } from './call.js';

/** Feishu codes worth another try: rate limits, busy, expired token, the approval center's 稍后重试. Everything else with a code is final. */
const RETRYABLE_CODES = new Set([1, 99991400, 230020, 99991663, 99991661, 99991671, 1000040343, 1395001]);

export interface FeishuMessengerOptions {
  appId: string;
  appSecret: string;
  baseUrl: string;
  log: Logger;
  timeoutMs?: number;
}

/** The messenger port on the official SDK's Client, pointed at FEISHU_BASE_URL. */
export function createFeishuMessenger(opts: FeishuMessengerOptions): Messenger & { client: lark.Client } {
  // A hanging Feishu call must not hold a message forever: the outbox retries after the timeout.
  lark.defaultHttpInstance.defaults.timeout = opts.timeoutMs ?? 10_000;
  const client = new lark.Client({
    appId: opts.appId,
    appSecret: opts.appSecret,
    domain: opts.baseUrl,
    logger: createSdkLogger(opts.log),
    loggerLevel: lark.LoggerLevel.warn,
  });

  const content = (m: OutgoingMessage) => {
    switch (m.kind) {
      case 'text':
        return { msg_type: 'text', content: JSON.stringify({ text: plainText(m.text) }) };
      case 'card':
        return { msg_type: 'interactive', content: JSON.stringify(m.card) };
      case 'image':
        return { msg_type: 'image', content: JSON.stringify({ image_key: m.imageKey }) };
      case 'file':
        return { msg_type: 'file', content: JSON.stringify({ file_key: m.fileKey }) };
    }
  };

  /** One SDK call: a thrown error or a non-zero code becomes a MessengerError the outbox understands; `alsoRetry`: an API's own codes worth another try. */
  const call: FeishuCall = async (what, fn, alsoRetry) => {
    let res;
    try {
      res = await fn();
    } catch (err) {
      throw classify(what, err);
    }
    if (res && typeof res.code === 'number' && res.code !== 0) {
      const retryable = RETRYABLE_CODES.has(res.code) || (alsoRetry?.has(res.code) ?? false);
      throw new MessengerError(`${what}: Feishu code ${res.code} ${res.msg ?? ''}`.trim(), retryable, { platformCode: res.code });
    }
    return res;
  };

  return {
    name: 'feishu',
    client,
    // The 审批 center (FEISHU_APPROVAL_SYNC=on): approval-center.ts.
    ...feishuApprovalCenter(client, call, { appId: opts.appId, baseUrl: opts.baseUrl }),
    calendar: createFeishuCalendar(client, call),
    async send(to: Recipient, message, { uuid }) {
      const res = await call('send', () =>
        client.im.message.create({
          params: { receive_id_type: to.type === 'chat' ? 'chat_id' : 'open_id' },
          data: { receive_id: to.id, ...content(message), uuid },
        }),
      );
      return { messageId: requireField(res?.data?.message_id, 'send: no message_id') };
    },
    async reply(messageId, message, { uuid }) {
      const res = await call('reply', () => client.im.message.reply({ path: { message_id: messageId }, data: { ...content(message), uuid } }));
      return { messageId: requireField(res?.data?.message_id, 'reply: no message_id') };
    },
    async updateCard(messageId, card: Card) {
      await call('update card', () => client.im.message.patch({ path: { message_id: messageId }, data: { content: JSON.stringify(card) } }));
    },
    async pin(messageId) {
      await call('pin', () => client.im.pin.create({ data: { message_id: messageId } }));
    },
    async createChat({ name, description, userIds, uuid }) {
      const res = await call('create chat', () =>
        client.im.chat.create({
          params: { user_id_type: 'open_id', set_bot_manager: false, uuid },
          data: { name, description, user_id_list: userIds, chat_mode: 'group', chat_type: 'private' },
        }),
      );
      return { chatId: requireField(res?.data?.chat_id, 'create chat: no chat_id') };
    },
    async addMembers(chatId, userIds) {
      await call('add members', () =>
        client.im.chatMembers.create({ path: { chat_id: chatId }, params: { member_id_type: 'open_id', succeed_type: 1 }, data: { id_list: userIds } }),
      );
    },
    async uploadImage(data) {
      // The SDK returns the `data` object of the response here, so there is no code to check.
      const res = (await call('upload image', async () => ({ code: 0, ...(await client.im.image.create({ data: { image_type: 'message', image: data } })) }))) as {
        image_key?: string;
      };
      return { imageKey: requireField(res.image_key, 'upload: no image_key') };
    },
    async uploadFile(data, name) {
      // As with images, the SDK returns the response's `data` object.
      const res = (await call('upload file', async () => ({
        code: 0,
        ...(await client.im.file.create({ data: { file_type: feishuFileType(name), file_name: name, file: data } })),
      }))) as { file_key?: string };
      return { fileKey: requireField(res.file_key, 'upload: no file_key') };
    },
    async downloadResource(messageId, key, kind) {
      const res = await call('download', async () => {
        const r = await client.im.messageResource.get({ path: { message_id: messageId, file_key: key }, params: { type: kind } });
        return { code: 0, stream: r.getReadableStream() };
      });
      const chunks: Buffer[] = [];
      for await (const chunk of res.stream) chunks.push(Buffer.from(chunk as Buffer));
      return Buffer.concat(chunks);
    },
  };
}

/**
 * Text for a Feishu text message, with no markup left live. Feishu reads <at user_id="all"></at>
 * (and <b>, <a>…) and `[文本](链接)` hyperlinks in text messages. The bot never mentions anyone or
 * links in text, so no angle bracket reaches Feishu as one and no "](" follows a bracket: user text
 * (a guest unit, an approval comment) cannot notify a whole group or hide a link behind words.
 */
export function plainText(text: string): string {
  return text.replace(/</g, '＜').replace(/>/g, '＞').replace(/\]\(/g, '］(');
}

/** Feishu's file_type for an upload, from the name's extension: xls covers .xlsx too; anything else is a stream. */
export function feishuFileType(name: string): 'pdf' | 'doc' | 'xls' | 'ppt' | 'stream' {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (ext === 'pdf') return 'pdf';
  if (ext === 'doc' || ext === 'docx') return 'doc';
  if (ext === 'xls' || ext === 'xlsx') return 'xls';
  if (ext === 'ppt' || ext === 'pptx') return 'ppt';
  return 'stream';
}

function requireField(v: string | undefined, message: string): string {
  if (!v) throw new MessengerError(message, true);
  return v;
}

/** Turns an axios error from the SDK into a MessengerError that tells the outbox what to do. */
function classify(what: string, err: unknown): MessengerError {
  const e = err as { response?: { status?: number; headers?: Record<string, string>; data?: { code?: number; msg?: string } }; code?: string; message?: string };
  const status = e.response?.status;
  const platformCode = e.response?.data?.code;
  if (status === undefined) {
    return new MessengerError(`${what}: ${e.code ?? ''} ${e.message ?? 'network error'}`.trim(), true);
  }
  const reset = Number(e.response?.headers?.['x-ogw-ratelimit-reset']);
  const retryAfterMs = status === 429 ? (Number.isFinite(reset) && reset > 0 ? reset * 1000 : 1000) : undefined;
  const retryable = status === 429 || status >= 500 || (platformCode !== undefined && RETRYABLE_CODES.has(platformCode));
  return new MessengerError(`${what}: HTTP ${status}${platformCode ? ` code ${platformCode}` : ''} ${e.response?.data?.msg ?? ''}`.trim(), retryable, {
    status,
    platformCode,
    retryAfterMs,
  });
}
