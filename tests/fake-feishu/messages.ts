// im/v1/messages routes: send, reply, patch (card update), put (edit text).
import { createHash } from 'node:crypto';
import { fail, ok, type Reply } from './http-util.js';
import { UUID_WINDOW_MS, type Store } from './store.js';
import type { RecordedRequest, SentMessage } from './types.js';

export interface MsgCtx {
  store: Store;
  rec: RecordedRequest;
  appId: string;
  query: Record<string, string>;
  body: Record<string, unknown>;
  params: Record<string, string>;
  validateCard?: (card: unknown) => string | undefined;
}

const RECEIVE_ID_TYPES: Record<string, RegExp> = {
  open_id: /^ou_/,
  union_id: /^on_/,
  chat_id: /^oc_/,
  user_id: /./,
  email: /@/,
};
const MSG_TYPES = new Set([
  'text', 'post', 'image', 'file', 'audio', 'media', 'sticker', 'interactive', 'share_chat', 'share_user', 'system',
]);
const FIELD_ERROR = 99992402;

function p2pChatId(receiveId: string): string {
  return `oc_p2p_${createHash('sha256').update(receiveId).digest('hex').slice(0, 24)}`;
}

/** Validate msg_type + content; returns the parsed content or an error reply. */
function parseContent(ctx: MsgCtx, msgType: unknown, content: unknown): { value: unknown } | { error: Reply } {
  if (typeof msgType !== 'string' || !MSG_TYPES.has(msgType)) {
    return { error: fail(400, FIELD_ERROR, `field validation failed: msg_type ${String(msgType)}`) };
  }
  if (typeof content !== 'string') {
    return { error: fail(400, FIELD_ERROR, 'field validation failed: content must be a JSON string') };
  }
  const bytes = Buffer.byteLength(content);
  const max = msgType === 'text' ? 150 * 1024 : 30 * 1024;
  if (bytes > max) return { error: fail(400, 230025, `The message content is too long: ${bytes} > ${max} bytes`) };
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    if (msgType === 'interactive') {
      return { error: fail(400, 230099, 'Failed to create card content, ext=ErrCode: 200621; ErrMsg: parse card json err') };
    }
    return { error: fail(400, 230001, 'Your request contains an invalid request parameter, ext=invalid content') };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const code = msgType === 'interactive' ? 230099 : 230001;
    return { error: fail(400, code, 'content must be a JSON object') };
  }
  if (msgType === 'text' && typeof (value as { text?: unknown }).text !== 'string') {
    return { error: fail(400, 230001, 'Your request contains an invalid request parameter, ext=text content missing') };
  }
  if (msgType === 'interactive' && ctx.validateCard) {
    const problem = ctx.validateCard(value);
    if (problem) return { error: fail(400, 230099, `Failed to create card content, ext=${problem}`) };
  }
  return { value };
}

function messageData(ctx: MsgCtx, m: SentMessage, rawContent: string): Record<string, unknown> {
  return {
    message_id: m.message_id,
    ...(m.reply_to ? { root_id: m.reply_to, parent_id: m.reply_to } : {}),
    msg_type: m.msg_type,
    create_time: m.create_time,
    update_time: m.create_time,
    deleted: false,
    updated: m.updates > 0,
    chat_id: m.chat_id,
    sender: { id: ctx.appId, id_type: 'app_id', sender_type: 'app', tenant_key: 'fake_tenant_key' },
    body: { content: rawContent },
  };
}

function checkUuid(ctx: MsgCtx, uuid: unknown): Reply | undefined {
  if (uuid === undefined || uuid === null || uuid === '') return undefined;
  if (typeof uuid !== 'string' || uuid.length > 50) {
    return fail(400, FIELD_ERROR, 'field validation failed: uuid must be a string of at most 50 characters');
  }
  const prior = ctx.store.messageUuids.get(uuid);
  if (!prior || ctx.store.now() - prior.at >= UUID_WINDOW_MS) return undefined;
  const m = ctx.store.messages.get(prior.messageId);
  if (!m) return undefined;
  ctx.rec.duplicate = true;
  return ok(messageData(ctx, m, JSON.stringify(m.content)));
}

function create(ctx: MsgCtx, fields: Omit<SentMessage, 'message_id' | 'create_time' | 'updates' | 'content'>, content: unknown, raw: string): Reply {
  const m: SentMessage = {
    message_id: ctx.store.nextId('om_fake_'),
    ...fields,
    content,
    create_time: String(ctx.store.now()),
    updates: 0,
  };
  if (m.uuid === undefined) delete m.uuid;
  ctx.store.messages.set(m.message_id, m);
  if (m.uuid) ctx.store.messageUuids.set(m.uuid, { messageId: m.message_id, at: ctx.store.now() });
  return ok(messageData(ctx, m, raw));
}

export function sendMessage(ctx: MsgCtx): Reply {
  const type = ctx.query.receive_id_type;
  const idPattern = type ? RECEIVE_ID_TYPES[type] : undefined;
  if (!type || !idPattern) return fail(400, FIELD_ERROR, `field validation failed: receive_id_type ${String(type)}`);
  const { receive_id: receiveId, msg_type: msgType, content, uuid } = ctx.body;
  if (typeof receiveId !== 'string' || receiveId === '') {
    return fail(400, FIELD_ERROR, 'field validation failed: receive_id is required');
  }
  if (!idPattern.test(receiveId)) {
    return fail(400, 230001, `Your request contains an invalid request parameter, ext=invalid receive_id ${receiveId} for ${type}`);
  }
  const parsed = parseContent(ctx, msgType, content);
  if ('error' in parsed) return parsed.error;
  const dup = checkUuid(ctx, uuid);
  if (dup) return dup;
  const chatId = type === 'chat_id' ? receiveId : p2pChatId(receiveId);
  return create(
    ctx,
    { receive_id: receiveId, receive_id_type: type, chat_id: chatId, msg_type: msgType as string, uuid: uuid as string | undefined },
    parsed.value,
    content as string,
  );
}

export function replyMessage(ctx: MsgCtx): Reply {
  const parentId = ctx.params.message_id ?? '';
  const { msg_type: msgType, content, uuid, reply_in_thread: inThread } = ctx.body;
  const parsed = parseContent(ctx, msgType, content);
  if ('error' in parsed) return parsed.error;
  const dup = checkUuid(ctx, uuid);
  if (dup) return dup;
  // Parents may be the bot's own messages or user messages seen in events; unknown parents are accepted.
  const chatId = ctx.store.messages.get(parentId)?.chat_id ?? ctx.store.inbound.get(parentId) ?? '';
  return create(
    ctx,
    {
      receive_id: chatId,
      receive_id_type: 'chat_id',
      chat_id: chatId,
      msg_type: msgType as string,
      uuid: uuid as string | undefined,
      reply_to: parentId,
      ...(inThread === true ? { reply_in_thread: true } : {}),
    },
    parsed.value,
    content as string,
  );
}

/** PATCH (card) and PUT (text/post edit). */
export function updateMessage(ctx: MsgCtx, kind: 'patch' | 'edit'): Reply {
  const id = ctx.params.message_id ?? '';
  const m = ctx.store.messages.get(id);
  if (!m) return fail(400, 230011, `The message was not found (message_id ${id}); it may have been recalled or deleted`);
  const msgType = kind === 'patch' ? 'interactive' : ctx.body.msg_type;
  if (kind === 'patch' && m.msg_type !== 'interactive') {
    return fail(400, 230001, 'Your request contains an invalid request parameter, ext=only interactive messages can be patched');
  }
  if (kind === 'edit' && (m.msg_type !== 'text' && m.msg_type !== 'post')) {
    return fail(400, 230001, 'Your request contains an invalid request parameter, ext=only text and post can be edited');
  }
  const parsed = parseContent(ctx, msgType, ctx.body.content);
  if ('error' in parsed) return parsed.error;
  m.content = parsed.value;
  m.updates += 1;
  if (kind === 'edit') m.msg_type = msgType as string;
  ctx.store.patches.push({ kind, message_id: id, content: parsed.value, msg_type: m.msg_type, at: ctx.store.now() });
  return kind === 'patch' ? ok({}) : ok(messageData(ctx, m, ctx.body.content as string));
}
