import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildCardAction, buildMessageEvent, startFakeFeishu, type FakeFeishu } from '../fake-feishu/index.js';
import { startBot } from './start-bot.js';

let fake: FakeFeishu;
let bot: App;

beforeAll(async () => {
  fake = await startFakeFeishu({ wsClientConfig: { PingInterval: 1, ReconnectInterval: 1, ReconnectNonce: 1 } });
  bot = await startBot({ baseUrl: fake.url, mode: 'ws' });
  await fake.ws.waitForConnection(15_000);
});
afterAll(async () => {
  await bot?.close();
  await fake?.close();
});

describe('the long connection (FEISHU_MODE=ws)', () => {
  it('opens the connection through the SDK with the app credentials', () => {
    const endpoint = fake.requests.find((r) => r.path === '/callback/ws/endpoint');
    expect(endpoint?.body).toMatchObject({ AppID: 'cli_0123456789abcdef' });
    expect(fake.ws.connected()).toBe(1);
  });

  it('acknowledges a message at once and answers it through the outbox', async () => {
    const reply = await fake.ws.pushEvent(buildMessageEvent({ text: '帮助', senderOpenId: 'ou_staff1', chatId: 'oc_ws' }));
    expect(reply.code).toBe(200);
    const msg = await fake.waitForMessage((m) => m.receive_id === 'oc_ws', 10_000);
    expect(JSON.stringify(msg.content)).toContain('新建接待');
  });

  it('answers a message pushed twice once', async () => {
    const event = buildMessageEvent({ text: '帮助', senderOpenId: 'ou_staff1', chatId: 'oc_ws_twice' });
    await fake.ws.pushEvent(event);
    await fake.ws.pushEvent(event);
    await bot.pipeline.idle();
    await bot.outbox.drain(10_000);
    expect(fake.sent().filter((m) => m.receive_id === 'oc_ws_twice')).toHaveLength(1);
  });

  it('returns a card action’s toast in the reply frame', async () => {
    const reply = await fake.ws.pushEvent(buildCardAction({ operatorOpenId: 'ou_staff1', value: { action: 'no.such.button' } }));
    expect(reply.code).toBe(200);
    expect(reply.data).toEqual({ toast: { type: 'warning', content: '该操作暂不可用或卡片已过期，请重新发送指令。' } });
  });

  it('reconnects by itself after the socket is dropped, and keeps answering', async () => {
    fake.ws.dropAll();
    await new Promise((r) => setTimeout(r, 200));
    await fake.ws.waitForConnection(20_000);
    const reply = await fake.ws.pushEvent(buildMessageEvent({ text: '帮助', senderOpenId: 'ou_staff1', chatId: 'oc_ws_after' }));
    expect(reply.code).toBe(200);
    await fake.waitForMessage((m) => m.receive_id === 'oc_ws_after', 10_000);
  });
});
