// What the Feishu edge makes of payloads no honest client sends (found by tests/e2e/fuzz.test.ts),
// and the text-message escaping: pure functions, no server.
import { describe, expect, it } from 'vitest';
import { plainText } from '../../src/platforms/feishu/messenger.js';
import { normalizeFeishu, storable } from '../../src/platforms/feishu/normalize.js';

type Obj = Record<string, unknown>;

const message = (overrides: { header?: Obj; message?: Obj; sender?: Obj } = {}) => ({
  schema: '2.0',
  header: { event_id: 'ev_1', event_type: 'im.message.receive_v1', token: 't', ...overrides.header },
  event: {
    sender: { sender_id: { open_id: 'ou_a' }, sender_type: 'user', ...overrides.sender },
    message: { message_id: 'om_1', chat_id: 'oc_1', chat_type: 'p2p', message_type: 'text', content: JSON.stringify({ text: '帮助' }), ...overrides.message },
  },
});

const action = (value: unknown, formValue?: unknown) => ({
  schema: '2.0',
  header: { event_id: 'ev_2', event_type: 'card.action.trigger', token: 't' },
  event: { operator: { open_id: 'ou_a' }, action: { value, form_value: formValue, tag: 'button' }, context: { open_message_id: 'om_card' } },
});

describe('the Feishu normaliser on hostile input', () => {
  it('calls bodies that are not objects invalid', () => {
    for (const body of [null, 1, 'x', [], true]) expect(normalizeFeishu(body).kind).toBe('invalid');
  });

  it('refuses ids longer than any Feishu id (they would not fit the unique index)', () => {
    const long = 'x'.repeat(5_000);
    expect(normalizeFeishu(message({ header: { event_id: long } })).kind).toBe('invalid');
    expect(normalizeFeishu(message({ message: { message_id: long } })).kind).toBe('invalid');
    expect(normalizeFeishu(message({ message: { chat_id: long } })).kind).toBe('invalid');
    expect(normalizeFeishu(message({ sender: { sender_id: { open_id: long } } })).kind).toBe('invalid');
    expect(normalizeFeishu(message()).kind).toBe('event');
  });

  it('turns NUL and lone surrogates, which PostgreSQL refuses, into U+FFFD', () => {
    const n = normalizeFeishu(message({ message: { content: JSON.stringify({ text: '帮\u0000助 \ud800 😀' }) } }));
    expect(n.kind === 'event' && n.event.type === 'message' && n.event.text).toBe('帮\ufffd助 \ufffd 😀');
    expect(storable('a\udc00b\ud83d\ude00')).toBe('a\ufffdb😀');
  });

  it('reads objects whose toString is not a function as no text instead of throwing', () => {
    const odd = { toString: 1, valueOf: 2 };
    expect(() => normalizeFeishu(message({ message: { content: JSON.stringify({ text: odd }) } }))).not.toThrow();
    expect(() => normalizeFeishu(message({ sender: { sender_type: odd } }))).not.toThrow();
    const mention = normalizeFeishu(message({ message: { mentions: [{ key: '@_user_1', id: { open_id: 'ou_b' }, name: odd }] } }));
    expect(mention.kind === 'event' && mention.event.type === 'message' && mention.event.mentions).toEqual([{ id: 'ou_b', name: '' }]);
    const post = { zh_cn: { content: [[{ tag: 'text', text: odd }]] } };
    expect(() => normalizeFeishu(message({ message: { message_type: 'post', content: JSON.stringify(post) } }))).not.toThrow();
  });

  it('refuses card values nested deeper than any card of the bot, and cleans the rest', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(normalizeFeishu(action({ action: 'x', deep })).kind).toBe('invalid');
    expect(normalizeFeishu(action({ action: 'x' }, { comment: deep })).kind).toBe('invalid');
    const withProto = JSON.parse('{"action":"approval.act","__proto__":{"polluted":true},"code":"a\\u0000"}') as unknown;
    const n = normalizeFeishu(action(withProto, { comment: '\ud800' }));
    expect(n.kind).toBe('event');
    if (n.kind !== 'event' || n.event.type !== 'card_action') return;
    expect(n.event.value).toEqual({ action: 'approval.act', code: 'a\ufffd' });
    expect(Object.getPrototypeOf(n.event.value)).toBe(Object.prototype);
    expect(n.event.formValue).toEqual({ comment: '\ufffd' });
  });
});

describe('text messages to Feishu', () => {
  it('leave no mention, tag or [text](link) live', () => {
    expect(plainText('<at user_id="all"></at>[点我](https://evil.example)<b>x</b>')).toBe('＜at user_id="all"＞＜/at＞[点我］(https://evil.example)＜b＞x＜/b＞');
    expect(plainText('【新批准接待】JD-2026-0001：省发改委')).toBe('【新批准接待】JD-2026-0001：省发改委');
  });
});
