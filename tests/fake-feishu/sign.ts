// Build webhook deliveries the way Feishu does: encryption (§1.3), signature (§1.4) and payload shapes (§1.5, §1.6, §2.2).
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { DEFAULT_APP_ID, FAKE_TENANT_KEY } from './types.js';

export const DEFAULT_VERIFICATION_TOKEN = 'fake_verification_token';

const keyOf = (encryptKey: string) => createHash('sha256').update(encryptKey).digest();

/** AES-256-CBC with key = sha256(encryptKey), PKCS7 padding, random IV prefixed, base64. */
export function encryptString(plaintext: string, encryptKey: string, iv: Buffer = randomBytes(16)): string {
  const cipher = createCipheriv('aes-256-cbc', keyOf(encryptKey), iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

export function decryptString(encrypted: string, encryptKey: string): string {
  const buf = Buffer.from(encrypted, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', keyOf(encryptKey), buf.subarray(0, 16));
  return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
}

/** `{"encrypt":"…"}` for an object (JSON-serialised compactly) or a ready string. */
export function encryptPayload(payload: unknown, encryptKey: string): { encrypt: string } {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return { encrypt: encryptString(text, encryptKey) };
}

/** Lowercase hex sha256 of timestamp + nonce + encryptKey + rawBody. */
export function computeSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey + rawBody).digest('hex');
}

export interface SignedRequest {
  headers: {
    'content-type': string;
    'x-lark-request-timestamp': string;
    'x-lark-request-nonce': string;
    'x-lark-signature': string;
  };
  /** The exact raw body to POST (compact JSON). */
  body: string;
}

/** Encrypt (unless `encrypt: false`) and sign a payload as Feishu's webhook delivery does. */
export function signedRequest(
  payload: unknown,
  opts: { encryptKey: string; timestamp?: string; nonce?: string; encrypt?: boolean },
): SignedRequest {
  const timestamp = opts.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = opts.nonce ?? randomBytes(8).toString('hex');
  const wire = opts.encrypt === false ? payload : encryptPayload(payload, opts.encryptKey);
  const body = typeof wire === 'string' ? wire : JSON.stringify(wire);
  return {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': computeSignature(timestamp, nonce, opts.encryptKey, body),
    },
    body,
  };
}

export interface MentionInput {
  openId: string;
  name: string;
  key?: string;
  unionId?: string;
  userId?: string;
}

export interface MessageEventInput {
  text?: string;
  /** Full content object; overrides `text` (e.g. `{image_key}` with messageType "image"). */
  content?: Record<string, unknown>;
  messageType?: string;
  senderOpenId?: string;
  senderUnionId?: string;
  senderUserId?: string;
  chatId?: string;
  chatType?: 'p2p' | 'group';
  messageId?: string;
  rootId?: string;
  parentId?: string;
  eventId?: string;
  mentions?: MentionInput[];
  verificationToken?: string;
  appId?: string;
  tenantKey?: string;
  /** Milliseconds since epoch (default now). */
  createTime?: number;
}

const shortId = () => randomUUID().replace(/-/g, '').slice(0, 24);

/** v2 envelope of im.message.receive_v1 (§1.5, §1.6). */
export function buildMessageEvent(input: MessageEventInput = {}) {
  const tenantKey = input.tenantKey ?? FAKE_TENANT_KEY;
  const created = String(input.createTime ?? Date.now());
  const mentions = (input.mentions ?? []).map((m, i) => ({
    key: m.key ?? `@_user_${i + 1}`,
    id: { open_id: m.openId, union_id: m.unionId ?? `on_${m.openId.slice(3)}`, user_id: m.userId ?? m.openId.slice(3) },
    name: m.name,
    tenant_key: tenantKey,
  }));
  const senderOpenId = input.senderOpenId ?? 'ou_fake_user_1';
  return {
    schema: '2.0',
    header: {
      event_id: input.eventId ?? shortId(),
      token: input.verificationToken ?? DEFAULT_VERIFICATION_TOKEN,
      create_time: created,
      event_type: 'im.message.receive_v1',
      tenant_key: tenantKey,
      app_id: input.appId ?? DEFAULT_APP_ID,
    },
    event: {
      sender: {
        sender_id: {
          open_id: senderOpenId,
          union_id: input.senderUnionId ?? `on_${senderOpenId.slice(3)}`,
          user_id: input.senderUserId ?? senderOpenId.slice(3),
        },
        sender_type: 'user',
        tenant_key: tenantKey,
      },
      message: {
        message_id: input.messageId ?? `om_user_${shortId()}`,
        ...(input.rootId ? { root_id: input.rootId } : {}),
        ...(input.parentId ? { parent_id: input.parentId } : {}),
        create_time: created,
        update_time: created,
        chat_id: input.chatId ?? 'oc_fake_chat_1',
        chat_type: input.chatType ?? 'p2p',
        message_type: input.messageType ?? 'text',
        content: JSON.stringify(input.content ?? { text: input.text ?? '你好' }),
        ...(mentions.length ? { mentions } : {}),
      },
    },
  };
}

export interface CardActionInput {
  operatorOpenId?: string;
  /** The button's callback value. */
  value?: unknown;
  /** form_value of a submitted form. */
  formValue?: Record<string, unknown>;
  tag?: string;
  name?: string;
  inputValue?: string;
  option?: string;
  messageId?: string;
  chatId?: string;
  eventId?: string;
  /** The delayed-update callback token ("c-…"). */
  token?: string;
  verificationToken?: string;
  appId?: string;
  tenantKey?: string;
}

/** v2 envelope of card.action.trigger (§2.2); header.create_time is in microseconds. */
export function buildCardAction(input: CardActionInput = {}) {
  const tenantKey = input.tenantKey ?? FAKE_TENANT_KEY;
  const openId = input.operatorOpenId ?? 'ou_fake_user_1';
  return {
    schema: '2.0',
    header: {
      event_id: input.eventId ?? shortId(),
      token: input.verificationToken ?? DEFAULT_VERIFICATION_TOKEN,
      create_time: String(Date.now() * 1000),
      event_type: 'card.action.trigger',
      tenant_key: tenantKey,
      app_id: input.appId ?? DEFAULT_APP_ID,
    },
    event: {
      operator: { tenant_key: tenantKey, user_id: openId.slice(3), open_id: openId, union_id: `on_${openId.slice(3)}` },
      token: input.token ?? `c-${shortId()}`,
      action: {
        ...(input.value !== undefined ? { value: input.value } : {}),
        tag: input.tag ?? 'button',
        timezone: 'Asia/Shanghai',
        ...(input.name ? { name: input.name } : {}),
        ...(input.formValue ? { form_value: input.formValue } : {}),
        ...(input.inputValue !== undefined ? { input_value: input.inputValue } : {}),
        ...(input.option !== undefined ? { option: input.option } : {}),
      },
      host: 'im_message',
      context: { open_message_id: input.messageId ?? `om_fake_card_${shortId()}`, open_chat_id: input.chatId ?? 'oc_fake_chat_1' },
    },
  };
}

export function buildUrlVerification(challenge: string, token: string = DEFAULT_VERIFICATION_TOKEN) {
  return { challenge, token, type: 'url_verification' as const };
}
