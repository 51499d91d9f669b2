import * as lark from '@larksuiteoapi/node-sdk';
import { describe, expect, it } from 'vitest';
import { encryptPayload } from '../fake-feishu/index.js';
import { envelopeFromFlattened, normalizeFeishu } from '../../src/platforms/feishu/normalize.js';
import { computeSignature, decrypt, isFresh, signatureMatches } from '../../src/platforms/feishu/verify.js';

describe('Feishu verification', () => {
  it('decrypts the official test vector', () => {
    expect(decrypt('P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=', 'test key')).toBe('hello world');
    expect(new lark.AESCipher('test key').decrypt('P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=')).toBe('hello world');
  });

  it('decrypts a Chinese body exactly as the SDK does, for two keys in turn', () => {
    const text = JSON.stringify({ text: '新建接待：省发改委调研组一行5人，12月8日到访'.repeat(40) });
    for (const key of ['key one', 'key two', 'key one']) {
      const { encrypt } = encryptPayload(JSON.parse(text), key);
      expect(decrypt(encrypt, key)).toBe(new lark.AESCipher(key).decrypt(encrypt));
      expect(decrypt(encrypt, key)).toBe(text);
    }
  });

  it('computes the documented signature over the raw body', () => {
    const body = '{"encrypt":"P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk="}';
    expect(computeSignature('1700000000', 'abc123', 'test key', body)).toBe('69c61fa99760d59824d588297c0036194769fb54331682c9cbcd93e85b9a8aad');
  });

  it('does not accept the signature of a re-serialised body', () => {
    const raw = '{ "encrypt": "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=" }';
    const good = computeSignature('1700000000', 'abc123', 'test key', raw);
    const reserialised = computeSignature('1700000000', 'abc123', 'test key', JSON.stringify(JSON.parse(raw)));
    expect(signatureMatches(good, reserialised)).toBe(false);
    expect(signatureMatches(good, good)).toBe(true);
    expect(signatureMatches(good, undefined)).toBe(false);
  });

  it('accepts a timestamp within five minutes and refuses older or later ones', () => {
    const now = new Date(1_700_000_000_000);
    expect(isFresh('1700000000', now)).toBe(true);
    expect(isFresh(String(1_700_000_000 - 299), now)).toBe(true);
    expect(isFresh(String(1_700_000_000 - 301), now)).toBe(false);
    expect(isFresh(String(1_700_000_000 + 301), now)).toBe(false);
    expect(isFresh('yesterday', now)).toBe(false);
    expect(isFresh(undefined, now)).toBe(false);
  });
});

const messageEnvelope = (over: Record<string, unknown> = {}, sender: Record<string, unknown> = {}) => ({
  schema: '2.0',
  header: { event_id: 'ev1', event_type: 'im.message.receive_v1', create_time: '1700000000000', token: 't', app_id: 'cli_x', tenant_key: 'tk' },
  event: {
    sender: { sender_id: { open_id: 'ou_staff1', union_id: 'on_1' }, sender_type: 'user', tenant_key: 'tk', ...sender },
    message: { message_id: 'om_1', chat_id: 'oc_1', chat_type: 'group', message_type: 'text', content: JSON.stringify({ text: '@_user_1 帮助' }), mentions: [{ key: '@_user_1', id: { open_id: 'ou_bot' }, name: '接待助手' }], ...over },
  },
});

describe('normalizeFeishu', () => {
  it('turns a group message that @mentions the bot into a message event without the mention', () => {
    const n = normalizeFeishu(messageEnvelope());
    expect(n).toEqual({
      kind: 'event',
      event: { type: 'message', source: 'feishu', eventId: 'ev1', messageId: 'om_1', chatId: 'oc_1', chatType: 'group', senderId: 'ou_staff1', msgType: 'text', text: '帮助', mentionsBot: true, resource: undefined, mentions: [{ id: 'ou_bot', name: '接待助手' }] },
    });
  });

  it('ignores messages sent by bots, including its own', () => {
    expect(normalizeFeishu(messageEnvelope({}, { sender_type: 'app' })).kind).toBe('ignored');
  });

  it('calls a message with no sender open_id invalid', () => {
    expect(normalizeFeishu(messageEnvelope({}, { sender_id: {} }))).toMatchObject({ kind: 'invalid', eventId: 'ev1' });
  });

  it('calls an unknown event type invalid and names it', () => {
    const n = normalizeFeishu({ schema: '2.0', header: { event_id: 'e', event_type: 'contact.user.created_v3' }, event: {} });
    expect(n).toMatchObject({ kind: 'invalid', reason: 'unknown event type contact.user.created_v3' });
  });

  it('reads an image message as a resource to download', () => {
    const n = normalizeFeishu(messageEnvelope({ message_type: 'image', content: JSON.stringify({ image_key: 'img_1' }), chat_type: 'p2p' }));
    expect(n.kind === 'event' && n.event.type === 'message' && n.event.resource).toEqual({ key: 'img_1', kind: 'image' });
  });

  it('reads a file message in a group as a resource with its name, not addressed to the bot', () => {
    const n = normalizeFeishu(
      messageEnvelope({ message_type: 'file', content: JSON.stringify({ file_key: 'file_v3_1', file_name: '发票.pdf' }), mentions: undefined }),
      { botOpenId: 'ou_bot' },
    );
    expect(n).toMatchObject({
      kind: 'event',
      event: { type: 'message', msgType: 'file', text: '', chatType: 'group', mentionsBot: false, mentions: [], resource: { key: 'file_v3_1', kind: 'file', name: '发票.pdf' } },
    });
  });

  it('reads a card action with its form values and the message that holds the card', () => {
    const n = normalizeFeishu({
      schema: '2.0',
      header: { event_id: 'ev2', event_type: 'card.action.trigger', create_time: '1700000000000000' },
      event: {
        operator: { open_id: 'ou_head1' },
        token: 'c-1',
        action: { value: { action: 'request.submit' }, tag: 'button', name: 'submit', form_value: { guest_unit: '省发改委' } },
        context: { open_message_id: 'om_9', open_chat_id: 'oc_9' },
      },
    });
    expect(n).toEqual({
      kind: 'event',
      event: { type: 'card_action', source: 'feishu', eventId: 'ev2', operatorId: 'ou_head1', messageId: 'om_9', chatId: 'oc_9', value: { action: 'request.submit' }, formValue: { guest_unit: '省发改委' }, name: 'submit' },
    });
  });

  it('rebuilds the envelope from the long connection’s flattened object', () => {
    const env = messageEnvelope();
    const flat = { schema: '2.0', ...env.header, ...env.event };
    expect(normalizeFeishu(envelopeFromFlattened(flat))).toEqual(normalizeFeishu(env));
  });

  it('reads a url_verification challenge', () => {
    expect(normalizeFeishu({ type: 'url_verification', challenge: 'abc', token: 'tok' })).toEqual({ kind: 'challenge', challenge: 'abc', token: 'tok' });
  });
});
