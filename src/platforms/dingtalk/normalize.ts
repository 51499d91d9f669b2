import type { MessageEvent } from '../../chat/event.js';
import { cut, nonEmptyText as str, platformId as id, storable } from '../../lib/text.js';
import { inboundMessageId, p2pChat } from './messenger.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export type NormalizedRobot =
  | { kind: 'message'; event: MessageEvent; msgId: string }
  | { kind: 'invalid'; reason: string; msgId?: string };

/**
 * A robot message from the stream (topic /v1.0/im/bot/messages/get) as the bot's small event type.
 * The sender is `senderStaffId`, the person's staff id in the unit's DingTalk (the org file's ids);
 * someone without one (a person from another organisation in a group) is named `ext:<senderId>`,
 * which no org file contains, so they get the unknown-person answer.
 */
export function normalizeRobotMessage(body: unknown, opts: { robotCode: string }): NormalizedRobot {
  if (!isObj(body)) return { kind: 'invalid', reason: 'data is not a JSON object' };
  const msgId = id(body.msgId);
  const conversationId = id(body.conversationId);
  const conversationType = body.conversationType === '1' ? 'p2p' : body.conversationType === '2' ? 'group' : undefined;
  const msgtype = str(body.msgtype);
  const staffId = id(body.senderStaffId);
  const senderId = id(body.senderId);
  if (!msgId || !conversationId || !conversationType || !msgtype || (!staffId && !senderId)) {
    return { kind: 'invalid', reason: 'robot message fields missing (msgId, conversationId, conversationType, msgtype, sender)', msgId };
  }
  if (str(body.robotCode) && body.robotCode !== opts.robotCode) return { kind: 'invalid', reason: `message for another robot (${String(body.robotCode)})`, msgId };
  const sender = staffId ?? `ext:${senderId}`;
  const chatId = conversationType === 'p2p' ? p2pChat(sender) : conversationId;
  const content = isObj(body.content) ? body.content : {};
  const atUsers = Array.isArray(body.atUsers) ? body.atUsers.filter(isObj) : [];
  const botUserId = str(body.chatbotUserId);
  const mentions = atUsers.flatMap((u) => (str(u.staffId) && u.dingtalkId !== botUserId ? [{ id: String(u.staffId), name: '' }] : []));

  let text = '';
  let resource: MessageEvent['resource'];
  if (msgtype === 'text') {
    if (!isObj(body.text) || typeof body.text.content !== 'string') return { kind: 'invalid', reason: 'text.content missing', msgId };
    text = storable(body.text.content);
  } else if (msgtype === 'richText') {
    const parts = Array.isArray(content.richText) ? content.richText.filter(isObj) : [];
    text = storable(parts.map((p) => (typeof p.text === 'string' ? p.text : '')).join(' '));
  } else if (msgtype === 'picture') {
    const code = str(content.downloadCode) ?? str(content.pictureDownloadCode);
    if (!code) return { kind: 'invalid', reason: 'picture without downloadCode', msgId };
    resource = { key: code, kind: 'image' };
  } else if (msgtype === 'file') {
    const code = str(content.downloadCode);
    if (!code) return { kind: 'invalid', reason: 'file without downloadCode', msgId };
    const name = str(content.fileName);
    resource = { key: code, kind: 'file', ...(name ? { name: cut(name, 200) } : {}) };
  }
  // A leading "@接待助手" (how a group message addresses the robot) goes, so the command word comes
  // first; "@名字" later in the text stays, as 代理 and 指派 read a typed name when there is no mention.
  text = text.replace(/\s+/g, ' ').trim();
  if (conversationType === 'group') text = text.replace(/^(?:@\S+\s*)+/, '').trim();

  return {
    kind: 'message',
    msgId,
    event: {
      type: 'message',
      source: 'dingtalk',
      eventId: msgId,
      messageId: inboundMessageId(chatId, msgId),
      chatId,
      chatType: conversationType,
      senderId: sender,
      msgType: msgtype === 'picture' ? 'image' : msgtype,
      text,
      // In groups the robot receives only messages that @mention it; isInAtList says so explicitly.
      mentionsBot: conversationType === 'p2p' || body.isInAtList !== false,
      ...(mentions.length ? { mentions } : {}),
      ...(resource ? { resource } : {}),
    },
  };
}
