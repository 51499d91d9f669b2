import { createHmac, timingSafeEqual } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * Signed, self-contained tokens that stand in for Feishu's card callbacks on DingTalk:
 * - an action token rides in the text a button sends on the user's behalf ("同意 JD-2026-0001 #<token>"):
 *   the button's value and the message that holds the card. The person is never in the token: it is
 *   the authenticated sender of the stream frame that carries the text.
 * - a form token is the path of the short H5 form page for one card form, for one person, until it expires.
 * Both are HMAC-SHA256 signed with a key derived from LINK_SECRET; a changed byte makes them worthless.
 */
export interface ActionToken {
  /** The button's value, as the Feishu card carries it. */
  v: Record<string, unknown>;
  /** The message id of the card (as the DingTalk messenger named it when it sent it). */
  m: string;
  /** The button's name. */
  n?: string;
  /** The button asks first (签字, 删除): the confirmation's title and text. */
  q?: { t: string; x: string };
}

export interface FormField {
  /** Field name (the same as on Feishu's card form). */
  n: string;
  l: string;
  k: 'text' | 'textarea' | 'select' | 'date' | 'person' | 'note';
  o?: string[];
  d?: string;
  r?: boolean;
}

export interface FormToken {
  /** Card message id. */
  m: string;
  /** The person the page is for (the staff id the card was sent to); '' on a group's card (sign-in decides). */
  u: string;
  /** The conversation the card is in. */
  c: string;
  /** Card title. */
  t: string;
  f: FormField[];
  /** The form's submit buttons: text, name and value. */
  b: { t: string; n?: string; v: Record<string, unknown> }[];
  /** Expiry, epoch ms. */
  x: number;
}

const b64 = (b: Buffer) => b.toString('base64url');

export function tokenKey(linkSecret: string): Buffer {
  return createHmac('sha256', linkSecret).update('jiedai dingtalk actions').digest();
}

function sign(key: Buffer, payload: string, len: number): string {
  return b64(createHmac('sha256', key).update(payload).digest()).slice(0, len);
}

function check(key: Buffer, payload: string, sig: string, len: number): boolean {
  const want = Buffer.from(sign(key, payload, len));
  const got = Buffer.from(sig);
  return want.length === got.length && timingSafeEqual(want, got);
}

export function signAction(key: Buffer, t: ActionToken): string {
  const payload = b64(deflateRawSync(Buffer.from(JSON.stringify(t))));
  return `${payload}.${sign(key, payload, 22)}`;
}

/** The token's action, or why it is refused: 'forged' (bad signature) or 'malformed'. */
export function verifyAction(key: Buffer, token: string): ActionToken | 'forged' | 'malformed' {
  const [payload, sig, extra] = token.split('.');
  if (!payload || !sig || extra !== undefined) return 'malformed';
  if (!check(key, payload, sig, 22)) return 'forged';
  try {
    const t = JSON.parse(inflateRawSync(Buffer.from(payload, 'base64url')).toString()) as ActionToken;
    return t && typeof t.v === 'object' && t.v && typeof t.m === 'string' ? t : 'malformed';
  } catch {
    return 'malformed';
  }
}

export function signForm(key: Buffer, t: FormToken): string {
  const payload = b64(deflateRawSync(Buffer.from(JSON.stringify(t))));
  return `${payload}.${sign(key, `form:${payload}`, 43)}`;
}

export function verifyForm(key: Buffer, token: string, now: number): FormToken | 'forged' | 'malformed' | 'expired' {
  const [payload, sig, extra] = token.split('.');
  if (!payload || !sig || extra !== undefined) return 'malformed';
  if (!check(key, `form:${payload}`, sig, 43)) return 'forged';
  let t: FormToken;
  try {
    t = JSON.parse(inflateRawSync(Buffer.from(payload, 'base64url')).toString()) as FormToken;
  } catch {
    return 'malformed';
  }
  if (!t || typeof t.m !== 'string' || typeof t.u !== 'string' || !Array.isArray(t.f) || !Array.isArray(t.b)) return 'malformed';
  return t.x > now ? t : 'expired';
}

/** The command text a button sends, e.g. "同意 JD-2026-0001 #<token>". */
export function actionText(label: string, value: Record<string, unknown>, token: string): string {
  const code = typeof value.code === 'string' ? ` ${value.code}` : '';
  return `${label}${code} #${token}`;
}

/** Finds an action token at the end of a message text. */
export function findActionToken(text: string): string | undefined {
  return /#([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\s*$/.exec(text)?.[1];
}

/** DingTalk's client link that sends `text` into the current conversation as the person who taps. */
export const sendMessageLink = (text: string) => `dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent(text)}`;
