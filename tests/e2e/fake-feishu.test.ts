// The fake Feishu Open Platform, exercised with the real @larksuiteoapi/node-sdk over localhost.
import * as lark from '@larksuiteoapi/node-sdk';
import type { AxiosError } from 'axios';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildCardAction, buildMessageEvent, buildUrlVerification, computeSignature, decryptString, DEFAULT_APP_ID,
  encryptPayload, signedRequest, startFakeFeishu, type FakeFeishu,
} from '../fake-feishu/index.js';

// The SDK logs every (expected) failure at error level; LoggerLevel.fatal is 0 and `level || info` turns it into info.
const quiet = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };
const newClient = (fake: FakeFeishu, appSecret = 's', appId = DEFAULT_APP_ID) =>
  new lark.Client({ appId, appSecret, domain: fake.url, loggerLevel: lark.LoggerLevel.error, logger: quiet });
const text = (t: string) => JSON.stringify({ text: t });
const card = { schema: '2.0', config: { update_multi: true }, body: { elements: [{ tag: 'markdown', content: 'hi' }] } };
const axiosErr = async (p: Promise<unknown>): Promise<AxiosError<{ code?: number }>> => {
  try {
    await p;
  } catch (e) {
    return e as AxiosError<{ code?: number }>;
  }
  throw new Error('expected a rejection');
};

describe('fake feishu over HTTP', () => {
  let fake: FakeFeishu;
  let client: lark.Client;
  beforeEach(async () => {
    fake = await startFakeFeishu({ checkUserText: false }); // tests the fake itself with synthetic content
    client = newClient(fake);
  });
  afterEach(async () => fake.close());

  it('sends, replies, patches and edits, recording each request', async () => {
    const res = await client.im.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: 'oc_abc', msg_type: 'interactive', content: JSON.stringify(card), uuid: 'u-1' },
    });
    expect(res.code).toBe(0);
    const id = res.data?.message_id as string;
    await client.im.message.reply({ path: { message_id: id }, data: { msg_type: 'text', content: text('re') } });
    await client.im.message.patch({ path: { message_id: id }, data: { content: JSON.stringify({ ...card, body: { elements: [] } }) } });
    const dm = await client.im.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: 'ou_x', msg_type: 'text', content: text('hello') },
    });
    await client.im.message.update({ path: { message_id: dm.data?.message_id as string }, data: { msg_type: 'text', content: text('edited') } });

    expect(fake.sent().map((m) => [m.receive_id, m.msg_type, m.reply_to])).toEqual([
      ['oc_abc', 'interactive', undefined], ['oc_abc', 'text', id], ['ou_x', 'text', undefined],
    ]);
    expect(fake.sent()[0]).toMatchObject({ receive_id_type: 'chat_id', uuid: 'u-1', content: { body: { elements: [] } } });
    expect(fake.message(dm.data?.message_id as string)?.content).toEqual({ text: 'edited' });
    expect(fake.patches().map((p) => p.kind)).toEqual(['patch', 'edit']);
    expect(fake.requests[0]?.path).toBe('/open-apis/auth/v3/tenant_access_token/internal');
    const send = fake.requests.find((r) => r.path === '/open-apis/im/v1/messages');
    expect(send?.headers.authorization).toBe(`Bearer ${fake.tenantAccessToken}`);
    expect(send?.query).toEqual({ receive_id_type: 'chat_id' });
    await expect(fake.waitForMessage((m) => m.reply_to === id, 100)).resolves.toMatchObject({ content: { text: 're' } });
    await expect(fake.waitFor((r) => r.path === '/never', 50)).rejects.toThrow(/no request matched.*\n.*tenant_access_token/);
  });

  it('validates: unknown message 230011, bad card 230099, bad token 99991663, bad secret 10014', async () => {
    const e1 = await axiosErr(client.im.message.patch({ path: { message_id: 'om_nope' }, data: { content: '{}' } }));
    expect(e1.response?.data.code).toBe(230011);
    const e2 = await axiosErr(client.im.message.create({
      params: { receive_id_type: 'chat_id' }, data: { receive_id: 'oc_1', msg_type: 'interactive', content: '{bad' },
    }));
    expect(e2.response?.data.code).toBe(230099);
    const raw = await fetch(`${fake.url}/open-apis/im/v1/chats`, { method: 'POST', headers: { authorization: 'Bearer t-wrong' } });
    expect([raw.status, ((await raw.json()) as { code: number }).code]).toEqual([401, 99991663]);
    // A different appId: the SDK caches tokens process-wide per appId, so a wrong secret with a cached appId would pass.
    const bad = newClient(fake, 'wrong', 'cli_badbadbadbadbad0');
    await expect(bad.im.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: 'oc_1', msg_type: 'text', content: text('x') } }))
      .rejects.toThrow(/10014/);
    expect(fake.sent()).toHaveLength(0);
  });

  it('dedupes send and reply by uuid within an hour', async () => {
    const send = () => client.im.message.create({
      params: { receive_id_type: 'chat_id' }, data: { receive_id: 'oc_1', msg_type: 'text', content: text('once'), uuid: 'same' },
    });
    const [a, b] = [await send(), await send()];
    expect(b.data?.message_id).toBe(a.data?.message_id);
    const reply = () => client.im.message.reply({ path: { message_id: 'om_user_1' }, data: { msg_type: 'text', content: text('r'), uuid: 'r1' } });
    expect((await reply()).data?.message_id).toBe((await reply()).data?.message_id);
    expect(fake.sent()).toHaveLength(2);
    expect(fake.requests.filter((r) => r.duplicate)).toHaveLength(2);
  });

  it('creates chats idempotently, adds members, uploads images, downloads resources, updates cards', async () => {
    const create = () => client.im.chat.create({ params: { user_id_type: 'open_id', uuid: 'c-1' }, data: { name: '接待', user_id_list: ['ou_a'] } });
    const chatId = (await create()).data?.chat_id as string;
    expect((await create()).data?.chat_id).toBe(chatId);
    const members = await client.im.chatMembers.create({ path: { chat_id: chatId }, params: { member_id_type: 'open_id' }, data: { id_list: ['ou_b', 'bogus'] } });
    expect(members.data?.invalid_id_list).toEqual(['bogus']);
    expect(fake.chats()).toMatchObject([{ chat_id: chatId, name: '接待', members: ['ou_a', 'ou_b'] }]);

    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const up = await client.im.image.create({ data: { image_type: 'message', image: png } });
    expect(up?.image_key).toMatch(/^img_v3_/);
    expect(fake.uploads()[0]?.bytes.equals(png)).toBe(true);
    expect(fake.requests.at(-1)?.body).toMatchObject({ multipart: true, fields: { image_type: 'message' } });

    fake.addResource('om_in', 'img_in', png, 'image/png');
    const dl = await client.im.messageResource.get({ path: { message_id: 'om_in', file_key: 'img_in' }, params: { type: 'image' } });
    const chunks: Buffer[] = [];
    for await (const c of dl.getReadableStream()) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(png)).toBe(true);

    const r = await client.request({ method: 'POST', url: '/open-apis/interactive/v1/card/update', data: { token: 'c-tok', card } });
    expect(r).toMatchObject({ code: 0 });
    expect(fake.patches()).toMatchObject([{ kind: 'card_update', token: 'c-tok', content: card }]);
  });

  it('injects 500, 429, timeouts, dropped sockets and Feishu error codes without creating messages', async () => {
    const data = { receive_id: 'oc_1', msg_type: 'text', content: text('x') };
    const send = (extra: Record<string, unknown> = {}) =>
      client.request({ method: 'POST', url: '/open-apis/im/v1/messages', params: { receive_id_type: 'chat_id' }, data, ...extra });
    const route = 'POST /open-apis/im/v1/messages';
    fake.inject({ route, fault: { status: 500 } });
    expect((await axiosErr(send())).response?.status).toBe(500);
    fake.inject({ route, fault: { status: 429, resetSeconds: 2 } });
    const e429 = await axiosErr(send());
    expect([e429.response?.status, e429.response?.headers['x-ogw-ratelimit-reset'], e429.response?.data.code]).toEqual([429, '2', 99991400]);
    fake.inject({ route, fault: { timeoutMs: Infinity } });
    expect((await axiosErr(send({ timeout: 200 }))).code).toBe('ECONNABORTED');
    fake.inject({ route: /messages$/, fault: { drop: true } });
    expect((await axiosErr(send())).code).toBe('ECONNRESET');
    fake.inject({ route, fault: { code: 230020 } });
    expect(await send()).toMatchObject({ code: 230020 }); // HTTP 200: the SDK resolves, the caller must check code
    expect(fake.sent()).toHaveLength(0);
    expect(fake.requests.filter((r) => r.fault)).toHaveLength(5);
    expect(await send()).toMatchObject({ code: 0 });
    expect(fake.sent()).toHaveLength(1);
  });

  it('a slow success plus a retry with the same uuid yields one message', async () => {
    fake.inject({ route: 'POST /open-apis/im/v1/messages', fault: { delayMs: 300 } });
    const data = { receive_id: 'oc_1', msg_type: 'text', content: text('x'), uuid: 'retry-1' };
    const send = (timeout: number) =>
      client.request({ method: 'POST', url: '/open-apis/im/v1/messages', params: { receive_id_type: 'chat_id' }, data, timeout });
    expect((await axiosErr(send(100))).code).toBe('ECONNABORTED');
    await fake.waitForMessage((m) => m.uuid === 'retry-1', 1000);
    const again = (await send(1000)) as { data: { message_id: string } };
    expect(again.data.message_id).toBe(fake.sent()[0]?.message_id);
    expect(fake.sent()).toHaveLength(1);
  });

  it('enforces 5/s per receiver when asked', async () => {
    const strict = await startFakeFeishu({ enforceRateLimits: true, checkUserText: false });
    const c = newClient(strict);
    const results = await Promise.allSettled(Array.from({ length: 7 }, (_, i) => c.im.message.create({
      params: { receive_id_type: 'chat_id' }, data: { receive_id: 'oc_1', msg_type: 'text', content: text(String(i)) },
    })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(strict.violations()).toHaveLength(2);
    expect(strict.violations()[0]).toMatchObject({ key: 'receive:oc_1', limit: 5 });
    await strict.close();
  });
});

describe('webhook signing helpers', () => {
  it('matches the official AES vector, the SDK cipher and the signature vector', () => {
    expect(decryptString('P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=', 'test key')).toBe('hello world');
    const enc = encryptPayload({ a: '接待' }, 'test key');
    expect(new lark.AESCipher('test key').decrypt(enc.encrypt)).toBe('{"a":"接待"}');
    const req = signedRequest({ encrypt: 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=' }, {
      encryptKey: 'test key', timestamp: '1700000000', nonce: 'abc123', encrypt: false,
    });
    expect(req.body).toBe('{"encrypt":"P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk="}');
    expect(req.headers['x-lark-signature']).toBe('69c61fa99760d59824d588297c0036194769fb54331682c9cbcd93e85b9a8aad');
    expect(computeSignature('1700000000', 'abc123', 'test key', req.body)).toBe(req.headers['x-lark-signature']);
    expect(buildUrlVerification('ch', 'vt')).toEqual({ challenge: 'ch', token: 'vt', type: 'url_verification' });
  });

  it('produces signed, encrypted events the SDK EventDispatcher accepts', async () => {
    const got: unknown[] = [];
    const dispatcher = new lark.EventDispatcher({ encryptKey: 'ek', loggerLevel: lark.LoggerLevel.error }).register({
      'im.message.receive_v1': async (d) => void got.push(d),
      'card.action.trigger': async (d: unknown) => ({ toast: { type: 'info', content: JSON.stringify(d) } }),
    } as Record<string, (d: never) => Promise<unknown>>);
    const msg = buildMessageEvent({ text: '@_user_1 hi', mentions: [{ openId: 'ou_bot', name: 'bot' }], chatType: 'group' });
    const req = signedRequest(msg, { encryptKey: 'ek' });
    await dispatcher.invoke(Object.assign(Object.create({ headers: req.headers }) as object, JSON.parse(req.body) as object));
    expect(got[0]).toMatchObject({ event_type: 'im.message.receive_v1', message: { chat_type: 'group', mentions: [{ key: '@_user_1' }] } });
    const cardReq = signedRequest(buildCardAction({ value: { k: 1 }, token: 'c-1' }), { encryptKey: 'ek' });
    const out = await dispatcher.invoke(Object.assign(Object.create({ headers: cardReq.headers }) as object, JSON.parse(cardReq.body) as object));
    expect(JSON.parse((out as { toast: { content: string } }).toast.content)).toMatchObject({ token: 'c-1', action: { value: { k: 1 } } });
  });
});

describe('long connection (WSClient)', () => {
  let fake: FakeFeishu;
  let wsClient: lark.WSClient;
  const received: unknown[] = [];
  beforeAll(async () => {
    fake = await startFakeFeishu({ wsClientConfig: { PingInterval: 0.4, ReconnectInterval: 0.2, ReconnectNonce: 0 }, checkUserText: false });
    const dispatcher = new lark.EventDispatcher({ loggerLevel: lark.LoggerLevel.error }).register({
      'im.message.receive_v1': async (d: { message: { message_id: string; content: string } }) => {
        received.push(d);
        if (d.message.content.includes('boom')) throw new Error('boom');
        return { handled: d.message.message_id };
      },
      'card.action.trigger': async () => ({ toast: { type: 'success', content: 'ok' } }),
    } as Record<string, (d: never) => Promise<unknown>>);
    wsClient = new lark.WSClient({
      appId: DEFAULT_APP_ID, appSecret: 's', domain: fake.url, loggerLevel: lark.LoggerLevel.fatal, // pingTimeout must be < PingInterval: every ping re-arms the watchdog, so a longer timeout never fires.
      wsConfig: { pingTimeout: 0.25 },
    });
    void wsClient.start({ eventDispatcher: dispatcher });
    await fake.ws.waitForConnection(5000);
  });
  afterAll(async () => {
    wsClient.close({ force: true });
    await fake.close();
  });

  it('delivers events and card callbacks and returns the handler result', async () => {
    const ev = buildMessageEvent({ text: 'hi', messageId: 'om_ws_1', chatId: 'oc_ws' });
    expect(await fake.ws.pushEvent(ev)).toMatchObject({ code: 200, data: { handled: 'om_ws_1' } });
    expect(received.at(-1)).toMatchObject({ event_id: ev.header.event_id, message: { message_id: 'om_ws_1' } });
    expect(await fake.ws.pushEvent(buildCardAction(), { fragments: 3 })).toMatchObject({ code: 200, data: { toast: { content: 'ok' } } });
    expect((await fake.ws.pushEvent(buildMessageEvent({ text: 'boom' }))).code).toBe(500);
    // Replies to a pushed message resolve its chat.
    await newClient(fake).im.message.reply({ path: { message_id: 'om_ws_1' }, data: { msg_type: 'text', content: text('r') } });
    expect(fake.sent()[0]).toMatchObject({ chat_id: 'oc_ws', reply_to: 'om_ws_1' });
  });

  it('answers pings, and the client reconnects after dropAll() and after silent pongs', async () => {
    await fake.waitFor(() => fake.ws.pings() >= 2, 3000);
    const before = fake.ws.totalConnections();
    fake.ws.dropAll();
    expect(fake.ws.connected()).toBe(0);
    await fake.ws.waitForConnection(5000);
    expect(fake.ws.totalConnections()).toBe(before + 1);
    expect((await fake.ws.pushEvent(buildMessageEvent())).code).toBe(200);

    fake.ws.silence(true); // the pingTimeout watchdog terminates the socket and reconnects
    await fake.waitFor(() => fake.ws.totalConnections() >= before + 2, 5000);
    fake.ws.silence(false);
    await fake.ws.waitForConnection(5000);
    expect(fake.requests.filter((r) => r.path === '/callback/ws/endpoint').length).toBeGreaterThanOrEqual(3);
  });
});
