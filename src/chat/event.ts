import type { Card } from '../cards/card.js';

/** The one small event type every transport (Feishu, simulator, DingTalk) turns its payloads into. */
export type BotEvent = MessageEvent | CardActionEvent;

export type EventSource = 'feishu' | 'simulator' | 'dingtalk';

export interface MessageEvent {
  type: 'message';
  source: EventSource;
  eventId: string;
  messageId: string;
  chatId: string;
  chatType: 'p2p' | 'group';
  senderId: string;
  /** text, post, image, file, … as the messenger names it */
  msgType: string;
  /** Plain text with mention placeholders removed and whitespace trimmed. */
  text: string;
  /** Whether the bot was @mentioned (always true in one-to-one chats). */
  mentionsBot: boolean;
  /** People @mentioned in the message (their ids as the messenger names them), e.g. for 代理 @某人. */
  mentions?: { id: string; name: string }[];
  /** For image and file messages: the resource to download. */
  resource?: { key: string; kind: 'image' | 'file'; name?: string };
}

export interface CardActionEvent {
  type: 'card_action';
  source: EventSource;
  eventId: string;
  operatorId: string;
  /** The message that holds the card. */
  messageId: string;
  chatId?: string;
  value: Record<string, unknown>;
  formValue?: Record<string, unknown>;
  /** The name of the component that was used. */
  name?: string;
  /** What was chosen in a select (or person select) outside a form. */
  option?: string;
}

export interface Toast {
  type: 'info' | 'success' | 'error' | 'warning';
  content: string;
}

/** What a card action answers within Feishu's 3 s: a toast, and/or the card that replaces the tapped one. */
export interface CardActionResult {
  toast?: Toast;
  card?: Card;
}

/** The answer that refuses a tap: an error toast, the card left as it is. */
export const errorToast = (content: string): CardActionResult => ({ toast: { type: 'error', content } });

/** One field of a card form as text: a select posts an array (its first option), a missing field is ''. */
export function formText(form: Record<string, unknown> | undefined, key: string): string {
  return fieldText(form?.[key]);
}

/** One value of a card form as text: a select posts an array (its first option), a missing value is ''. */
export function fieldText(v: unknown): string {
  return Array.isArray(v) ? String(v[0] ?? '') : v === undefined || v === null ? '' : String(v);
}
