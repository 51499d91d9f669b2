// Chats, uploads, resource downloads and the delayed card update.
import { fail, ok, type MultipartPart, type Reply } from './http-util.js';
import type { MsgCtx } from './messages.js';
import type { Chat } from './types.js';

export interface MiscCtx extends MsgCtx {
  parts?: MultipartPart[];
}

const FIELD_ERROR = 99992402;

function chatData(c: Chat): Record<string, unknown> {
  return {
    chat_id: c.chat_id,
    name: c.name ?? '',
    description: c.description ?? '',
    owner_id: c.owner_id ?? '',
    owner_id_type: c.user_id_type ?? 'open_id',
    chat_mode: c.chat_mode ?? 'group',
    chat_type: c.chat_type ?? 'private',
    chat_tag: 'inner',
    external: false,
    tenant_key: 'fake_tenant_key',
  };
}

function ensureChat(ctx: MiscCtx, chatId: string): Chat {
  let chat = ctx.store.chats.get(chatId);
  if (!chat) {
    // Chats created outside the bot (e.g. in the Feishu client) are accepted and materialised here.
    chat = { chat_id: chatId, members: [], bot_id_list: [], create_time: ctx.store.now() };
    ctx.store.chats.set(chatId, chat);
  }
  return chat;
}

export function createChat(ctx: MiscCtx): Reply {
  const uuid = ctx.query.uuid;
  const existing = uuid ? ctx.store.chatUuids.get(uuid) : undefined;
  if (existing) {
    ctx.rec.duplicate = true;
    return ok(chatData(ctx.store.chats.get(existing) as Chat));
  }
  const b = ctx.body;
  const users = Array.isArray(b.user_id_list) ? (b.user_id_list as string[]) : [];
  const bots = Array.isArray(b.bot_id_list) ? (b.bot_id_list as string[]) : [];
  if (users.length > 50) return fail(400, FIELD_ERROR, 'field validation failed: user_id_list at most 50');
  if (bots.length > 5) return fail(400, FIELD_ERROR, 'field validation failed: bot_id_list at most 5');
  const chat: Chat = {
    chat_id: ctx.store.nextId('oc_fake_'),
    name: b.name as string | undefined,
    description: b.description as string | undefined,
    owner_id: b.owner_id as string | undefined,
    chat_mode: b.chat_mode as string | undefined,
    chat_type: b.chat_type as string | undefined,
    uuid,
    user_id_type: ctx.query.user_id_type,
    members: [...users],
    bot_id_list: [...bots],
    create_time: ctx.store.now(),
  };
  ctx.store.chats.set(chat.chat_id, chat);
  if (uuid) ctx.store.chatUuids.set(uuid, chat.chat_id);
  return ok(chatData(chat));
}

export function addMembers(ctx: MiscCtx): Reply {
  const chat = ensureChat(ctx, ctx.params.chat_id ?? '');
  const ids = ctx.body.id_list;
  if (!Array.isArray(ids) || ids.length === 0) return fail(400, FIELD_ERROR, 'field validation failed: id_list');
  const type = ctx.query.member_id_type ?? 'open_id';
  const valid = type === 'app_id' ? /^cli_/ : type === 'open_id' ? /^ou_/ : type === 'union_id' ? /^on_/ : /./;
  const invalid = (ids as unknown[]).filter((id) => typeof id !== 'string' || !valid.test(id)).map(String);
  for (const id of ids as string[]) {
    if (invalid.includes(String(id))) continue;
    const list = type === 'app_id' ? chat.bot_id_list : chat.members;
    if (!list.includes(id)) list.push(id);
  }
  return ok({ invalid_id_list: invalid, not_existed_id_list: [], pending_approval_id_list: [] });
}

export function upload(ctx: MiscCtx, kind: 'image' | 'file'): Reply {
  const parts = ctx.parts;
  if (!parts) return fail(400, FIELD_ERROR, 'field validation failed: multipart/form-data expected');
  const field = (name: string) => parts.find((p) => p.name === name);
  const typeField = kind === 'image' ? 'image_type' : 'file_type';
  const type = field(typeField)?.data.toString('utf8');
  const blob = field(kind);
  if (!type) return fail(400, FIELD_ERROR, `field validation failed: ${typeField} is required`);
  if (!blob || blob.data.length === 0) return fail(400, 234001, `Invalid request param: ${kind} is empty`);
  const key = kind === 'image' ? ctx.store.nextId('img_v3_fake_') : ctx.store.nextId('file_v3_fake_');
  ctx.store.uploads.set(key, {
    key,
    kind,
    type,
    name: field('file_name')?.data.toString('utf8') ?? blob.filename,
    contentType: blob.contentType,
    bytes: blob.data,
  });
  return ok(kind === 'image' ? { image_key: key } : { file_key: key });
}

export function getResource(ctx: MiscCtx): Reply {
  const type = ctx.query.type;
  if (type !== 'image' && type !== 'file') return fail(400, FIELD_ERROR, 'field validation failed: type must be image or file');
  const r = ctx.store.resources.get(`${ctx.params.message_id}/${ctx.params.file_key}`);
  if (!r) return fail(400, 234003, 'File not in msg.');
  return { status: 200, bytes: { data: r.bytes, contentType: r.contentType } };
}

export function cardUpdate(ctx: MiscCtx): Reply {
  const { token, card } = ctx.body;
  if (typeof token !== 'string' || token === '') return fail(400, FIELD_ERROR, 'field validation failed: token');
  let parsed: unknown = card;
  if (typeof card === 'string') {
    try {
      parsed = JSON.parse(card);
    } catch {
      return fail(400, 230099, 'Failed to create card content, ext=ErrCode: 200621; ErrMsg: parse card json err');
    }
  }
  if (typeof parsed !== 'object' || parsed === null) return fail(400, FIELD_ERROR, 'field validation failed: card');
  const problem = ctx.validateCard?.(parsed);
  if (problem) return fail(400, 230099, `Failed to create card content, ext=${problem}`);
  ctx.store.patches.push({ kind: 'card_update', token, content: parsed, at: ctx.store.now() });
  return { status: 200, json: { code: 0, msg: 'success' } };
}

/** POST /open-apis/im/v1/pins {message_id}: pin a message in its chat (error 230011 for an unknown one). */
export function pinMessage(ctx: MiscCtx): Reply {
  const id = ctx.body.message_id;
  if (typeof id !== 'string' || id === '') return fail(400, FIELD_ERROR, 'field validation failed: message_id');
  const msg = ctx.store.messages.get(id);
  if (!msg) return fail(400, 230011, 'The message was withdrawn or does not exist.');
  if (!ctx.store.pins.includes(id)) ctx.store.pins.push(id);
  return ok({ pin: { message_id: id, chat_id: msg.chat_id, operator_id: 'cli_fake', operator_id_type: 'app_id', create_time: String(ctx.store.now()) } });
}
