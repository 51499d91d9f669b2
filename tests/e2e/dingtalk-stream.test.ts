// The DingTalk Stream client, configuration and card rendering on their own: credentials refused,
// the settings validated, user text unable to make links in DingTalk markdown.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDingTalkApi } from '../../src/platforms/dingtalk/api.js';
import { createDingTalkMessenger, fit } from '../../src/platforms/dingtalk/messenger.js';
import { MessengerError } from '../../src/chat/messenger.js';
import { renderCard, toDingTalkMarkdown } from '../../src/platforms/dingtalk/render.js';
import { startStream } from '../../src/platforms/dingtalk/stream.js';
import { signAction, tokenKey, verifyAction, verifyForm } from '../../src/platforms/dingtalk/tokens.js';
import { button, card, escapeMd, md } from '../../src/cards/elements.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { DT_CLIENT_ID, DT_CLIENT_SECRET, DT_ROBOT_CODE, startFakeDingTalk, type FakeDingTalk } from '../fake-dingtalk/index.js';

describe('the DingTalk Stream client', () => {
  let fake: FakeDingTalk;
  beforeAll(async () => {
    fake = await startFakeDingTalk();
  });
  afterAll(async () => fake?.close());

  it('is refused by the gateway with a wrong client secret, never connects, and keeps trying with backoff', async () => {
    const client = startStream({ baseUrl: fake.url, clientId: DT_CLIENT_ID, clientSecret: 'wrong', topics: ['/v1.0/im/bot/messages/get'], log: pino({ level: 'silent' }), minBackoffMs: 20, maxBackoffMs: 40, onCallback: async () => ({ code: 200, message: 'OK' }) });
    for (let i = 0; i < 100 && fake.opens().filter((o) => !o.ok).length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    client.close();
    const refused = fake.opens().filter((o) => !o.ok);
    expect(refused.length).toBeGreaterThan(1);
    expect(client.connected).toBe(false);
    expect(fake.connections).toBe(0);
  });

  it('caches the access token until shortly before it expires, then fetches a new one', async () => {
    let now = Date.now();
    const api = createDingTalkApi({ clientId: DT_CLIENT_ID, clientSecret: DT_CLIENT_SECRET, baseUrl: fake.url, oapiBaseUrl: fake.url, log: pino({ level: 'silent' }), clock: () => now });
    const issued = fake.tokensIssued();
    const [a, b] = await Promise.all([api.token(), api.token()]);
    expect(b).toBe(a);
    now += 6800 * 1000; // the token lives 7,200 s; it is replaced five minutes early (after 6,900 s)
    expect(await api.token()).toBe(a);
    now += 200 * 1000;
    expect(await api.token()).not.toBe(a);
    expect(fake.tokensIssued()).toBe(issued + 2);
  });

  it('connects with the right credentials and acknowledges a callback frame by its messageId with the handler code', async () => {
    const seen: string[] = [];
    const client = startStream({
      baseUrl: fake.url, clientId: DT_CLIENT_ID, clientSecret: DT_CLIENT_SECRET, topics: ['/v1.0/im/bot/messages/get'], log: pino({ level: 'silent' }),
      onCallback: async (_topic, data) => {
        seen.push(data);
        return { code: 200, message: 'OK' };
      },
    });
    await client.ready();
    const ack = await fake.say({ from: 'ou_staff1', text: '帮助' });
    expect(ack).toMatchObject({ code: 200, message: 'OK', headers: { contentType: 'application/json' } });
    expect(JSON.parse(seen[0])).toMatchObject({ senderStaffId: 'ou_staff1', text: { content: '帮助' } });
    client.close();
  });
});

describe('the DingTalk messenger tells the outbox what to retry', () => {
  let fake: FakeDingTalk;
  let messenger: ReturnType<typeof createDingTalkMessenger>;
  const send = (uuid: string) => messenger.send({ type: 'user', id: 'ou_staff1' }, { kind: 'text', text: '通知' }, { uuid }).catch((e: unknown) => e);
  beforeAll(async () => {
    fake = await startFakeDingTalk();
    messenger = createDingTalkMessenger({
      clientId: DT_CLIENT_ID, clientSecret: DT_CLIENT_SECRET, robotCode: DT_ROBOT_CODE, baseUrl: fake.url, oapiBaseUrl: fake.url,
      publicUrl: 'https://x', tokenKey: tokenKey('a-link-secret-of-enough-length'), fallbackChatId: 'oc_office', log: pino({ level: 'silent' }), timeoutMs: 2000,
    });
  });
  afterAll(async () => fake?.close());

  it('retries 429 (after Retry-After), 5xx and flow control; a bad request or an unknown staff id is final', async () => {
    const path = '/v1.0/robot/oToMessages/batchSend';
    fake.failNext(path, 429, { code: 'Throttling', message: '请求过于频繁' }, { 'retry-after': '3' });
    expect(await send('r1')).toMatchObject({ retryable: true, detail: { status: 429, retryAfterMs: 3000 } });
    fake.failNext(path, 503, { code: 'ServiceUnavailable', message: '服务不可用' });
    expect(await send('r2')).toMatchObject({ retryable: true, detail: { status: 503 } });
    fake.failNext(path, 403, { code: 'Forbidden.AccessDenied.QpsLimitForApi', message: '限流' });
    expect(await send('r3')).toMatchObject({ retryable: true });
    fake.failNext(path, 400, { code: 'InvalidParameter', message: 'msgParam 不合法' });
    const bad = await send('r4');
    expect(bad).toBeInstanceOf(MessengerError);
    expect(bad).toMatchObject({ retryable: false, detail: { status: 400 } });
    fake.failNext(path, 200, { processQueryKey: 'q', invalidStaffIdList: ['ou_staff1'], flowControlledStaffIdList: [] });
    expect(await send('r5')).toMatchObject({ retryable: false });
    expect(await send('r6')).toMatchObject({ messageId: 'dtm|p2p:ou_staff1|r6' });
  });
});

describe('DingTalk configuration', () => {
  const base = { DINGTALK_CLIENT_ID: 'dingabc', DINGTALK_CLIENT_SECRET: 'secret-secret', PUBLIC_URL: 'https://jiedai.example.gov.cn' };

  it('reads the DingTalk app with the robot code defaulting to the client id and the public API hosts', () => {
    const c = loadConfig(base);
    expect(c.feishu).toBeUndefined();
    expect(c.dingtalk).toEqual({ clientId: 'dingabc', clientSecret: 'secret-secret', robotCode: 'dingabc', baseUrl: 'https://api.dingtalk.com', oapiBaseUrl: 'https://oapi.dingtalk.com', todoSync: false, calendarSync: false });
  });

  it('refuses a client id without its secret, and Feishu and DingTalk at once', () => {
    expect(() => loadConfig({ DINGTALK_CLIENT_ID: 'dingabc' })).toThrow(ConfigError);
    // The forms are pages on the bot: without its public address their links would point at localhost.
    expect(() => loadConfig({ DINGTALK_CLIENT_ID: 'dingabc', DINGTALK_CLIENT_SECRET: 'secret-secret' })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ ...base, FEISHU_APP_ID: 'cli_abc', FEISHU_APP_SECRET: 's' })).toThrow(/one messenger at a time/);
  });
});

describe('DingTalk cards and tokens', () => {
  const key = tokenKey('a-link-secret-of-enough-length');

  it('shows user text from a card as text: it cannot open a link, a heading or bold in DingTalk markdown', () => {
    const shown = toDingTalkMarkdown(`**来访单位**：${escapeMd('[点此领取](https://evil.example) # **紧急**')}`);
    expect(shown).toBe('**来访单位**：［点此领取］（https://evil.example） ＃ ＊＊紧急＊＊');
  });

  it("shows every card's plain text (title, subtitle, plain div, buttons under 更多操作, a question) as text in DingTalk markdown", () => {
    const evil = '[点此](dtmd://dingtalkclient/sendMessage?content=%E4%BB%A3%E7%90%86) **急** # 大 <font>x</font>';
    const shown = '［点此］（dtmd://dingtalkclient/sendMessage?content=%E4%BB%A3%E7%90%86） ＊＊急＊＊ ＃ 大 ＜font＞x＜/font＞';
    const buttons = Array.from({ length: 6 }, (_, i) => button({ text: i === 5 ? evil : `按钮${i + 1}`, value: { action: 'x', i } }));
    const c = card({
      title: `接待审批：${evil}`,
      subtitle: evil,
      elements: [md(`**来访单位**：${escapeMd(evil)}`), { tag: 'div', text: { tag: 'plain_text', content: evil } }, { tag: 'column_set', columns: [{ tag: 'column', elements: [{ tag: 'div', text: { tag: 'plain_text', content: evil } }] }] }, ...buttons],
    });
    const m = renderCard(c, { messageId: 'dtm|p2p:u|1', chatId: 'p2p:u', user: 'u', key, publicUrl: 'https://x', now: Date.now(), formTtlMs: 1000 });
    const text = m.msgParam.text;
    expect(text.split('  \n')[0]).toBe(`### 接待审批：${shown}`);
    expect(text.split('\n\n')[0].split('  \n')[1]).toBe(shown);
    expect(text.split(shown).length - 1).toBe(6); // title, subtitle, the markdown, two plain divs, the sixth button
    expect(text).toContain(`- [${shown}](dtmd://dingtalkclient/sendMessage?content=`); // the sixth button, under 更多操作
    // The only link in the text is that button's own signed command.
    expect([...text.matchAll(/\]\(/g)]).toHaveLength(1);
    // A markdown div (lark_md) is the bot's own markdown and stays markdown.
    const own = renderCard(card({ title: 't', elements: [{ tag: 'div', text: { tag: 'lark_md', content: '**要点**' } }] }), { messageId: 'm', chatId: 'p2p:u', key, publicUrl: 'https://x', now: Date.now(), formTtlMs: 1000 });
    expect(own.msgParam.text).toContain('**要点**');
    // A question asked before a tap on a group card's sign-in page is a note, escaped the same way.
    const ask = card({ title: 't', elements: [button({ text: '签字', value: { action: 'x' }, confirm: { title: '签字确认', text: evil } })] });
    const g = renderCard(ask, { messageId: 'dtm|oc|1', chatId: 'oc', key, publicUrl: 'https://x', now: Date.now(), formTtlMs: 60_000, signIn: true });
    const token = verifyForm(key, g.msgParam.singleURL.split('/dingtalk/form/')[1], Date.now());
    expect(token).toMatchObject({ f: [{ k: 'note', l: `签字确认：${shown}` }] });
  });

  it('renders buttons as commands carrying a signed token that verifies, and refuses an altered one', () => {
    const c = card({ title: '接待审批：JD-2026-0001', elements: [md('待审批'), button({ text: '同意', value: { action: 'approval.act', code: 'JD-2026-0001', approval: 1, round: 1, decision: 'approve' } })] });
    const m = renderCard(c, { messageId: 'dtm|p2p:ou_head1|u1', chatId: 'p2p:ou_head1', user: 'ou_head1', key, publicUrl: 'https://x', now: Date.now(), formTtlMs: 1000 });
    expect(m.msgKey).toBe('sampleActionCard');
    const command = decodeURIComponent(m.msgParam.singleURL.split('content=')[1]);
    expect(command).toMatch(/^同意 JD-2026-0001 #/);
    const token = command.split('#')[1];
    expect(verifyAction(key, token)).toMatchObject({ m: 'dtm|p2p:ou_head1|u1', v: { decision: 'approve' } });
    expect(verifyAction(tokenKey('another-secret-of-enough-length'), token)).toBe('forged');
    expect(verifyAction(key, signAction(key, { v: {}, m: 'x' }).replace('.', '..'))).toBe('malformed');
  });

  it('shows a link button (打印座次表、席卡和手边单, 下载结算表格) as an ActionCard button that opens the page; only http(s) links', () => {
    const link = (text: string, url: string) => ({ tag: 'button', text: { tag: 'plain_text', content: text }, type: 'default', behaviors: [{ type: 'open_url', default_url: url }] });
    const c = card({ title: '接待手册：JD-2026-0001', elements: [md('手册'), link('打印座次表、席卡和手边单', 'https://bot.example/plans/JD-2026-0001/place-cards?exp=1&sig=x'), link('坏链接', 'dtmd://dingtalkclient/sendMessage?content=x')] });
    const m = renderCard(c, { messageId: 'dtm|p2p:u|1', chatId: 'p2p:u', user: 'u', key, publicUrl: 'https://x', now: Date.now(), formTtlMs: 1000 });
    expect(m.msgKey).toBe('sampleActionCard');
    expect(m.msgParam).toMatchObject({ singleTitle: '打印座次表、席卡和手边单', singleURL: 'https://bot.example/plans/JD-2026-0001/place-cards?exp=1&sig=x' });
    expect(JSON.stringify(m.msgParam)).not.toContain('dtmd://dingtalkclient/sendMessage?content=x');
  });

  it('expires a form link', () => {
    const c = card({ title: '表单', elements: [{ tag: 'form', name: 'f', elements: [{ tag: 'input', name: 'amount', required: true, label: { tag: 'plain_text', content: '金额' } }, button({ text: '添加', submit: true, value: { action: 'x' } })] }] });
    const now = Date.now();
    const m = renderCard(c, { messageId: 'dtm|p2p:u|1', chatId: 'p2p:u', user: 'u', key, publicUrl: 'https://x', now, formTtlMs: 1000 });
    const token = m.msgParam.singleURL.split('/dingtalk/form/')[1];
    expect(verifyForm(key, token, now)).toMatchObject({ u: 'u', f: [{ n: 'amount', k: 'text', r: true }] });
    expect(verifyForm(key, token, now + 2000)).toBe('expired');
  });

  it("keeps a card within DingTalk's 15,000 bytes by shortening its text, never its buttons", () => {
    const long = { msgKey: 'sampleActionCard', msgParam: { title: '接待结算', text: '费用明细'.repeat(3000), singleTitle: '签字', singleURL: 'dtmd://dingtalkclient/sendMessage?content=x' } };
    const out = fit(long);
    expect(Buffer.byteLength(JSON.stringify(out.msgParam))).toBeLessThanOrEqual(15_000);
    expect(out.msgParam.text).toContain('内容较长，其余从略');
    expect(out.msgParam.singleURL).toBe(long.msgParam.singleURL);
  });
});
