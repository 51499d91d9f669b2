import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildCardAction, buildMessageEvent, buildUrlVerification, encryptPayload, signedRequest, startFakeFeishu, type FakeFeishu } from '../fake-feishu/index.js';
import { ENCRYPT_KEY, startBot } from './start-bot.js';

let fake: FakeFeishu;
let bot: App;
const logLines: string[] = [];

beforeAll(async () => {
  fake = await startFakeFeishu();
  bot = await startBot({ baseUrl: fake.url, mode: 'webhook', logLines });
});
afterAll(async () => {
  await bot?.close();
  await fake?.close();
});
afterEach(() => {
  fake.clearFaults();
});

async function post(payload: unknown, opts: { timestamp?: string; tamper?: (r: ReturnType<typeof signedRequest>) => void } = {}) {
  const req = signedRequest(payload, { encryptKey: ENCRYPT_KEY, timestamp: opts.timestamp });
  opts.tamper?.(req);
  const res = await fetch(`${bot.url}/feishu/events`, { method: 'POST', headers: req.headers, body: req.body });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined, timing: res.headers.get('server-timing') };
}

const sendsTo = (chatId: string) => fake.sent().filter((m) => m.receive_id === chatId);
const settle = async () => {
  await bot.pipeline.idle();
  await bot.outbox.drain(15_000);
};

describe('the Feishu webhook', () => {
  it('answers an encrypted url_verification challenge, which carries no signature', async () => {
    const res = await fetch(`${bot.url}/feishu/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(encryptPayload(buildUrlVerification('ch-123'), ENCRYPT_KEY)),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'ch-123' });
  });

  it('answers 帮助 in the chat with the help card, sent through the SDK with the outbox id as uuid', async () => {
    const res = await post(buildMessageEvent({ text: '帮助', senderOpenId: 'ou_staff1', chatId: 'oc_help' }));
    expect(res).toMatchObject({ status: 200, body: {} });
    // The acknowledgement names how long it spent reading and recording the event (npm run bench splits the tail by it).
    expect(res.timing).toMatch(/^read;dur=\d+\.\d\d, record;dur=\d+\.\d\d$/);
    const msg = await fake.waitForMessage((m) => m.receive_id === 'oc_help', 10_000);
    expect(msg.msg_type).toBe('interactive');
    expect(msg.receive_id_type).toBe('chat_id');
    expect(msg.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(msg.content)).toContain('新建接待');
    const send = fake.requests.find((r) => r.path === '/open-apis/im/v1/messages' && r.status === 200)!;
    expect(send.headers.authorization).toBe(`Bearer ${fake.tenantAccessToken}`);
  });

  it('answers the same event delivered three times once', async () => {
    const event = buildMessageEvent({ text: '帮助', senderOpenId: 'ou_staff1', chatId: 'oc_thrice' });
    for (let i = 0; i < 3; i++) expect((await post(event)).status).toBe(200);
    await settle();
    expect(sendsTo('oc_thrice')).toHaveLength(1);
  });

  it('answers the same message under a new event id once', async () => {
    const a = buildMessageEvent({ text: '帮助', senderOpenId: 'ou_staff1', chatId: 'oc_again', messageId: 'om_same' });
    const b = { ...a, header: { ...a.header, event_id: 'a-different-event-id' } };
    await post(a);
    await post(b);
    await settle();
    expect(sendsTo('oc_again')).toHaveLength(1);
  });

  it('refuses a forged signature with 401 and sends nothing', async () => {
    const res = await post(buildMessageEvent({ text: '帮助', senderOpenId: 'ou_staff1', chatId: 'oc_forged' }), {
      tamper: (r) => {
        r.headers['x-lark-signature'] = 'f'.repeat(64);
      },
    });
    expect(res.status).toBe(401);
    await settle();
    expect(sendsTo('oc_forged')).toHaveLength(0);
    expect(logLines.some((l) => l.includes('signature does not match'))).toBe(true);
  });

  it('refuses a body changed after signing', async () => {
    const res = await post(buildMessageEvent({ text: '帮助', chatId: 'oc_changed' }), {
      tamper: (r) => {
        r.body = r.body.replace('{"encrypt":"', '{"encrypt": "');
      },
    });
    expect(res.status).toBe(401);
  });

  it('refuses a stale timestamp even with a valid signature', async () => {
    const old = String(Math.floor(Date.now() / 1000) - 6 * 60);
    const res = await post(buildMessageEvent({ text: '帮助', senderOpenId: 'ou_staff1', chatId: 'oc_stale' }), { timestamp: old });
    expect(res.status).toBe(401);
    await settle();
    expect(sendsTo('oc_stale')).toHaveLength(0);
  });

  it('refuses a signed event with the wrong verification token', async () => {
    const res = await post(buildMessageEvent({ text: '帮助', chatId: 'oc_token', verificationToken: 'wrong' }));
    expect(res.status).toBe(401);
  });

  it('answers malformed JSON, a plain body, an unknown event type and missing fields with 400', async () => {
    const raw = await fetch(`${bot.url}/feishu/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"encrypt":' });
    expect(raw.status).toBe(400);
    const plain = await fetch(`${bot.url}/feishu/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(buildMessageEvent()) });
    expect(plain.status).toBe(400);
    expect((await post({ schema: '2.0', header: { event_id: 'x1', event_type: 'contact.user.created_v3', token: 'fake_verification_token' }, event: {} })).status).toBe(400);
    const missing = buildMessageEvent({ chatId: 'oc_missing' }) as { event: { message: Record<string, unknown> } };
    delete missing.event.message.message_id;
    expect((await post(missing)).status).toBe(400);
  });

  it('refuses an oversized body with 413', async () => {
    const res = await fetch(`${bot.url}/feishu/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ encrypt: 'A'.repeat(600_000) }) });
    expect(res.status).toBe(413);
  });

  it('delivers exactly once when Feishu first answers 500 and then 429', async () => {
    // Only this chat's sends: a reply of an earlier test still being sent must not use a fault up.
    const when = (b: unknown) => (b as { receive_id?: string } | null)?.receive_id === 'oc_flaky';
    fake.inject({ route: 'POST /open-apis/im/v1/messages', times: 1, when, fault: { status: 500 } });
    fake.inject({ route: 'POST /open-apis/im/v1/messages', times: 1, when, fault: { status: 429, resetSeconds: 1 } });
    await post(buildMessageEvent({ text: '帮助', senderOpenId: 'ou_staff1', chatId: 'oc_flaky' }));
    const msg = await fake.waitForMessage((m) => m.receive_id === 'oc_flaky', 15_000);
    await settle();
    expect(sendsTo('oc_flaky')).toHaveLength(1);
    const attempts = fake.requests.filter((r) => r.path === '/open-apis/im/v1/messages' && (r.body as { receive_id?: string })?.receive_id === 'oc_flaky');
    expect(attempts.map((r) => r.status)).toEqual([500, 429, 200]);
    expect(new Set(attempts.map((r) => (r.body as { uuid: string }).uuid))).toEqual(new Set([msg.uuid]));
  });

  it('delivers exactly once when the connection drops mid-send', async () => {
    const inject = fake.inject({ route: 'POST /open-apis/im/v1/messages', times: 1, when: (b) => (b as { receive_id?: string } | null)?.receive_id === 'oc_dropped', fault: { drop: true } });
    await post(buildMessageEvent({ text: '帮助', senderOpenId: 'ou_staff1', chatId: 'oc_dropped' }));
    await fake.waitForMessage((m) => m.receive_id === 'oc_dropped', 15_000);
    await settle();
    expect(inject.hits).toBe(1);
    expect(sendsTo('oc_dropped')).toHaveLength(1);
  });

  it('answers a card callback within the request with a toast', async () => {
    const res = await post(buildCardAction({ operatorOpenId: 'ou_staff1', value: { action: 'no.such.button' } }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ toast: { type: 'warning', content: '该操作暂不可用或卡片已过期，请重新发送指令。' } });
  });

  it('answers 新建接待 with the request form card carrying the contract field names', async () => {
    await post(buildMessageEvent({ text: '新建接待 省发改委张处长一行5人', senderOpenId: 'ou_staff1', chatId: 'oc_new' }));
    const msg = await fake.waitForMessage((m) => m.receive_id === 'oc_new', 10_000);
    const json = JSON.stringify(msg.content);
    for (const name of ['guest_unit', 'lead_rank', 'arrive_date', 'depart_date', 'letter_no']) expect(json).toContain(`"name":"${name}"`);
  });

  it('keeps secrets out of the logs', () => {
    const all = logLines.join('\n');
    expect(all).not.toContain(ENCRYPT_KEY);
    expect(all).not.toContain(fake.tenantAccessToken);
    expect(all).not.toMatch(/"app_secret"/);
  });
});
