import type { BotEvent } from '../event.js';

/** The outcome of reading one Feishu payload at the edge. */
export type Normalized =
  | { kind: 'event'; event: BotEvent }
  | { kind: 'challenge'; challenge: string; token?: string }
  | { kind: 'ignored'; reason: string; eventId?: string }
  | { kind: 'invalid'; reason: string; eventId?: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

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
  const eventId = str(header.event_id);
  const type = str(header.event_type);
  if (!eventId || !type) return { kind: 'invalid', reason: 'header.event_id or header.event_type missing', eventId };
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
  if (sender.sender_type !== 'user') return { kind: 'ignored', reason: `sender is ${String(sender.sender_type)}, not a user`, eventId };
  const senderId = isObj(sender.sender_id) ? str(sender.sender_id.open_id) : undefined;
  const messageId = str(m.message_id);
  const chatId = str(m.chat_id);
  const chatType = m.chat_type === 'p2p' ? 'p2p' : m.chat_type === 'group' ? 'group' : undefined;
  const msgType = str(m.message_type);
  if (!senderId || !messageId || !chatId || !chatType || !msgType) {
    return { kind: 'invalid', reason: 'message fields missing (sender open_id, message_id, chat_id, chat_type, message_type)', eventId };
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
  const text = msgType === 'text' ? stripMentions(String(content.text ?? '')) : msgType === 'post' ? postText(content) : '';
  const resource =
    msgType === 'image' && str(content.image_key)
      ? { key: String(content.image_key), kind: 'image' as const }
      : msgType === 'file' && str(content.file_key)
        ? { key: String(content.file_key), kind: 'file' as const, name: str(content.file_name) }
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
      text,
      mentionsBot,
      resource,
      mentions: mentions.flatMap((x) => (isObj(x.id) && str(x.id.open_id) ? [{ id: String(x.id.open_id), name: String(x.name ?? '') }] : [])),
    },
  };
}

function cardAction(eventId: string, e: Obj): Normalized {
  const operator = isObj(e.operator) ? e.operator : undefined;
  const action = isObj(e.action) ? e.action : undefined;
  const context = isObj(e.context) ? e.context : {};
  const operatorId = operator ? str(operator.open_id) : undefined;
  const messageId = str(context.open_message_id);
  if (!operatorId || !action || !messageId) return { kind: 'invalid', reason: 'operator.open_id, action or context.open_message_id missing', eventId };
  let value: unknown = action.value;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      value = { raw: value };
    }
  }
  return {
    kind: 'event',
    event: {
      type: 'card_action',
      source: 'feishu',
      eventId,
      operatorId,
      messageId,
      chatId: str(context.open_chat_id),
      value: isObj(value) ? value : {},
      formValue: isObj(action.form_value) ? action.form_value : undefined,
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
  for (const row of rows) if (Array.isArray(row)) for (const el of row) if (isObj(el) && el.tag === 'text') parts.push(String(el.text ?? ''));
  return stripMentions(parts.join(' '));
}
