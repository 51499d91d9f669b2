import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeishuMessenger } from '../../src/platforms/feishu/messenger.js';
import { MessengerError } from '../../src/chat/messenger.js';
import { DEFAULT_APP_ID, DEFAULT_APP_SECRET, startFakeFeishu, type FakeFeishu } from '../fake-feishu/index.js';

let fake: FakeFeishu;
let messenger: ReturnType<typeof createFeishuMessenger>;
const card = { schema: '2.0' as const, config: { update_multi: true }, body: { elements: [{ tag: 'markdown', content: '今日接待' }] } };

beforeAll(async () => {
  fake = await startFakeFeishu({ checkUserText: false }); // the messenger alone, with synthetic content
  messenger = createFeishuMessenger({ appId: DEFAULT_APP_ID, appSecret: DEFAULT_APP_SECRET, baseUrl: fake.url, log: pino({ level: 'silent' }), timeoutMs: 2000 });
});
afterAll(async () => {
  await fake?.close();
});

describe('the Feishu messenger on the official SDK', () => {
  it('sends a card to a person by open_id and updates it in place', async () => {
    const { messageId } = await messenger.send({ type: 'user', id: 'ou_head1' }, { kind: 'card', card }, { uuid: 'u-card-1' });
    expect(fake.message(messageId)).toMatchObject({ receive_id: 'ou_head1', receive_id_type: 'open_id', msg_type: 'interactive', uuid: 'u-card-1' });
    await messenger.updateCard(messageId, { ...card, body: { elements: [{ tag: 'markdown', content: '已处理' }] } });
    expect(JSON.stringify(fake.message(messageId)!.content)).toContain('已处理');
  });

  it('sends the same uuid twice and Feishu shows it once', async () => {
    const a = await messenger.send({ type: 'chat', id: 'oc_1' }, { kind: 'text', text: '一次' }, { uuid: 'u-once' });
    const b = await messenger.send({ type: 'chat', id: 'oc_1' }, { kind: 'text', text: '一次' }, { uuid: 'u-once' });
    expect(b.messageId).toBe(a.messageId);
    expect(fake.sent().filter((m) => m.uuid === 'u-once')).toHaveLength(1);
  });

  it('replies to a message', async () => {
    const { messageId } = await messenger.send({ type: 'chat', id: 'oc_2' }, { kind: 'text', text: '原消息' }, { uuid: 'u-orig' });
    const reply = await messenger.reply(messageId, { kind: 'text', text: '回复' }, { uuid: 'u-reply' });
    expect(fake.message(reply.messageId)).toMatchObject({ reply_to: messageId });
  });

  it('creates a reception group once per uuid and adds members', async () => {
    const a = await messenger.createChat({ name: 'JD-2026-0001 接待工作群', userIds: ['ou_staff1', 'ou_office2'], uuid: 'chat-1' });
    const b = await messenger.createChat({ name: 'JD-2026-0001 接待工作群', userIds: ['ou_staff1', 'ou_office2'], uuid: 'chat-1' });
    expect(b.chatId).toBe(a.chatId);
    await messenger.addMembers(a.chatId, ['ou_head1']);
    const chat = fake.chats().find((c) => c.chat_id === a.chatId)!;
    expect(chat.members).toEqual(expect.arrayContaining(['ou_staff1', 'ou_office2', 'ou_head1']));
  });

  it('uploads an image and downloads a message resource', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const { imageKey } = await messenger.uploadImage(png);
    expect(fake.uploads().find((u) => u.key === imageKey)?.bytes.equals(png)).toBe(true);
    fake.addResource('om_invoice', 'file_v2_1', Buffer.from('发票内容'), 'application/pdf');
    expect((await messenger.downloadResource('om_invoice', 'file_v2_1', 'file')).toString()).toBe('发票内容');
  });

  it('classifies failures for the outbox: 429 with its reset time, 5xx and drops retryable, bad cards final', async () => {
    fake.inject({ route: 'POST /open-apis/im/v1/messages', fault: { status: 429, resetSeconds: 3 } });
    const limited = await messenger.send({ type: 'chat', id: 'oc_3' }, { kind: 'text', text: 'x' }, { uuid: 'u-429' }).catch((e) => e);
    expect(limited).toBeInstanceOf(MessengerError);
    expect(limited).toMatchObject({ retryable: true, detail: { status: 429, retryAfterMs: 3000 } });

    fake.inject({ route: 'POST /open-apis/im/v1/messages', fault: { status: 503 } });
    expect(await messenger.send({ type: 'chat', id: 'oc_3' }, { kind: 'text', text: 'x' }, { uuid: 'u-503' }).catch((e) => e)).toMatchObject({ retryable: true });

    fake.inject({ route: 'POST /open-apis/im/v1/messages', fault: { drop: true } });
    expect(await messenger.send({ type: 'chat', id: 'oc_3' }, { kind: 'text', text: 'x' }, { uuid: 'u-drop' }).catch((e) => e)).toMatchObject({ retryable: true });

    fake.inject({ route: 'POST /open-apis/im/v1/messages', fault: { timeoutMs: 5000 } });
    expect(await messenger.send({ type: 'chat', id: 'oc_3' }, { kind: 'text', text: 'x' }, { uuid: 'u-slow' }).catch((e) => e)).toMatchObject({ retryable: true });

    fake.inject({ route: 'POST /open-apis/im/v1/messages', fault: { code: 230002, msg: 'Bot is not in the chat' } });
    expect(await messenger.send({ type: 'chat', id: 'oc_gone' }, { kind: 'text', text: 'x' }, { uuid: 'u-gone' }).catch((e) => e)).toMatchObject({ retryable: false, detail: { platformCode: 230002 } });
  });
});
