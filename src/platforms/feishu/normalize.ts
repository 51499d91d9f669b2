import type { BotEvent } from '../../chat/event.js';
import { cut, nonEmptyText as str, platformId as id, storable } from '../../lib/text.js';

/** The outcome of reading one Feishu payload at the edge. */
export type Normalized =
  | { kind: 'event'; event: BotEvent }
  | { kind: 'challenge'; challenge: string; token?: string }
  | { kind: 'ignored'; reason: string; eventId?: string }
  | { kind: 'invalid'; reason: string; eventId?: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Card values and form values the bot's cards produce are two or three levels deep. */
const MAX_VALUE_DEPTH = 16;

export { storable };
/** A scalar as text; anything else (an object whose toString is not a function, an array) is no text. */
const text = (v: unknown): string => (typeof v === 'string' ? storable(v) : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');

const TOO_DEEP = Symbol('too deep');
/** A JSON value with every string and key storable; `__proto__` keys dropped; TOO_DEEP past the limit. */
function clean(v: unknown, depth = 0): unknown {
  if (depth > MAX_VALUE_DEPTH) return TOO_DEEP;
  if (typeof v === 'string') return storable(v);
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const c = clean(x, depth + 1);
      if (c === TOO_DEEP) return TOO_DEEP;
      out.push(c);
    }
    return out;
  }
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === '__proto__') continue;
      const c = clean(x, depth + 1);
      if (c === TOO_DEEP) return TOO_DEEP;
      out[storable(k)] = c;
    }
    return out;
  }
  return v;
}

/**
 * The long connection's dispatcher hands handlers a flattened object (header fields beside event
 * fields); put it back into the v2 envelope so one normaliser serves both transports.
 */
export function envelopeFromFlattened(data: Obj): Obj {
  const { schema, event_id, event_type, create_time, token, app_id, tenant_key, ...event } = data;
  return { schema: schema ?? '2.0', header: { event_id, event_type, create_time, token, app_id, tenant_key }, event };
}

/** Turns a decrypted Feishu body into the bot's small event type, or says why not. */
export function normalizeFeishu(body: unknown, opts: { botOpenId?: string } = {}): Normalized {
  if (!isObj(body)) return { kind: 'invalid', reason: 'body is not a JSON object' };
  if (body.type === 'url_verification') {
    const challenge = str(body.challenge);
    return challenge ? { kind: 'challenge', challenge, token: str(body.token) } : { kind: 'invalid', reason: 'challenge missing' };
  }
  if (body.schema !== '2.0' || !isObj(body.header) || !isObj(body.event)) {
    return { kind: 'invalid', reason: 'not a v2.0 event envelope' };
  }
  const header = body.header;
  const eventId = id(header.event_id);
  const type = id(header.event_type);
  if (!eventId || !type) return { kind: 'invalid', reason: 'header.event_id or header.event_type missing or too long', eventId };
  if (type === 'im.message.receive_v1') return message(eventId, body.event, opts.botOpenId);
  if (type === 'card.action.trigger') return cardAction(eventId, body.event);
  if (type === 'im.message.message_read_v1' || type === 'im.chat.member.bot.added_v1') {
    return { kind: 'ignored', reason: `not handled: ${type}`, eventId };
  }
  return { kind: 'invalid', reason: `unknown event type ${type}`, eventId };
}

function message(eventId: string, e: Obj, botOpenId?: string): Normalized {
  const sender = isObj(e.sender) ? e.sender : undefined;
  const m = isObj(e.message) ? e.message : undefined;
  if (!sender || !m) return { kind: 'invalid', reason: 'event.sender or event.message missing', eventId };
  if (sender.sender_type !== 'user') return { kind: 'ignored', reason: `sender is ${text(sender.sender_type).slice(0, 40) || 'not given'}, not a user`, eventId };
  const senderId = isObj(sender.sender_id) ? id(sender.sender_id.open_id) : undefined;
  const messageId = id(m.message_id);
  const chatId = id(m.chat_id);
  const chatType = m.chat_type === 'p2p' ? 'p2p' : m.chat_type === 'group' ? 'group' : undefined;
  const msgType = id(m.message_type);
  if (!senderId || !messageId || !chatId || !chatType || !msgType) {
    return { kind: 'invalid', reason: 'message fields missing or too long (sender open_id, message_id, chat_id, chat_type, message_type)', eventId };
  }
  let content: Obj = {};
  try {
    const parsed: unknown = JSON.parse(typeof m.content === 'string' ? m.content : '{}');
    if (isObj(parsed)) content = parsed;
  } catch {
    return { kind: 'invalid', reason: 'message.content is not JSON', eventId };
  }
  const mentions = Array.isArray(m.mentions) ? m.mentions.filter(isObj) : [];
  const mentionsBot =
    chatType === 'p2p' ||
    mentions.some((x) => (botOpenId ? isObj(x.id) && x.id.open_id === botOpenId : true));
  const said = msgType === 'text' ? stripMentions(text(content.text)) : msgType === 'post' ? postText(content) : '';
  const imageKey = id(content.image_key);
  const fileKey = id(content.file_key);
  const resource =
    msgType === 'image' && imageKey
      ? { key: imageKey, kind: 'image' as const }
      : msgType === 'file' && fileKey
        ? { key: fileKey, kind: 'file' as const, name: content.file_name === undefined ? undefined : cut(text(content.file_name), 200) || undefined }
        : undefined;
  return {
    kind: 'event',
    event: {
      type: 'message',
      source: 'feishu',
      eventId,
      messageId,
      chatId,
      chatType,
      senderId,
      msgType,
      text: said,
      mentionsBot,
      resource,
      mentions: mentions.flatMap((x) => {
        const openId = isObj(x.id) ? id(x.id.open_id) : undefined;
        return openId ? [{ id: openId, name: cut(text(x.name), 100) }] : [];
      }),
    },
  };
}

function cardAction(eventId: string, e: Obj): Normalized {
  const operator = isObj(e.operator) ? e.operator : undefined;
  const action = isObj(e.action) ? e.action : undefined;
  const context = isObj(e.context) ? e.context : {};
  const operatorId = operator ? id(operator.open_id) : undefined;
  const messageId = id(context.open_message_id);
  if (!operatorId || !action || !messageId) return { kind: 'invalid', reason: 'operator.open_id, action or context.open_message_id missing or too long', eventId };
  let value: unknown = action.value;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      value = { raw: value };
    }
  }
  value = clean(value);
  const formValue = clean(action.form_value);
  if (value === TOO_DEEP || formValue === TOO_DEEP) return { kind: 'invalid', reason: `action.value or action.form_value nested deeper than ${MAX_VALUE_DEPTH}`, eventId };
  return {
    kind: 'event',
    event: {
      type: 'card_action',
      source: 'feishu',
      eventId,
      operatorId,
      messageId,
      chatId: id(context.open_chat_id),
      value: isObj(value) ? value : {},
      formValue: isObj(formValue) ? formValue : undefined,
      name: str(action.name),
      option: str(action.option),
    },
  };
}

/** "@_user_1 新建接待" → "新建接待". */
export function stripMentions(text: string): string {
  return text.replace(/@_user_\d+/g, ' ').replace(/\s+/g, ' ').trim();
}

function postText(content: Obj): string {
  const body = isObj(content.zh_cn) ? content.zh_cn : content;
  const rows = Array.isArray(body.content) ? body.content : [];
  const parts: string[] = [];
  for (const row of rows) if (Array.isArray(row)) for (const el of row) if (isObj(el) && el.tag === 'text') parts.push(text(el.text));
  return stripMentions(parts.join(' '));
}
