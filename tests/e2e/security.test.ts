// The security suite (issue 9, part 4): forged, replayed, stale, re-encrypted, truncated and
// oversized deliveries; card callbacks whose value names something the operator may not touch;
// markdown injection in every field a person types; the simulator off when a Feishu app is
// configured; and no secret in the logs. Everything goes through the real HTTP endpoint, the real
// SDK and the fake Feishu; state is read from the database before and after.
import { gzipSync } from 'node:zlib';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/db/schema/index.js';
import { startBot } from './start-bot.js';
import { buildUrlVerification, computeSignature, encryptPayload, encryptString, signedRequest, startFakeFeishu, type FakeFeishu, type SentMessage } from '../fake-feishu/index.js';
import { startSettlementHarness } from './settlement-harness.js';
import { buttonValue, buttonValues, cardText, p2p, titleOf, validForm, type TapAnswer } from './approval-harness.js';
import { SECRETS, snapshotState, startSecureBot, type SecureBot } from './secure-bot.js';

type Obj = Record<string, unknown>;

const STAFF1 = 'ou_staff1'; // 王小明, 招商局
const STAFF2 = 'ou_staff2'; // 刘芳, 经济发展局
const HEAD1 = 'ou_head1'; // 李建国, head of 招商局
const HEAD2 = 'ou_head2'; // 张伟, head of 经济发展局
const OFFICE1 = 'ou_office1'; // 赵敏, office director
const OFFICE2 = 'ou_office2'; // 钱进, office staff
const LEADER1 = 'ou_leader1'; // 陈副主任, supervises 招商局
const CHIEF = 'ou_chief'; // 周主任, principal

let s: SecureBot;

beforeAll(async () => {
  s = await startSecureBot();
  // The first token call fails (its request carries the app secret): the secrets test reads what was logged.
  s.fake.inject({ route: 'POST /open-apis/auth/v3/tenant_access_token/internal', times: 1, fault: { status: 500 } });
});
afterAll(async () => {
  await s?.close();
});

// ---------------------------------------------------------------------------------------------
// Talking to the bot as people do: signed deliveries, answers read from the fake Feishu.

const messagesTo = (user: string) => s.fake.sent().filter((m) => m.receive_id === user || m.receive_id === p2p(user));
const cardsTo = (user: string) => messagesTo(user).filter((m) => m.msg_type === 'interactive');

async function say(user: string, text: string) {
  const res = await s.post(s.message({ text, senderOpenId: user, chatId: p2p(user), chatType: 'p2p' }));
  expect(res.status).toBe(200);
  await s.settle();
}

async function tap(user: string, messageId: string, value: unknown, formValue?: Obj): Promise<TapAnswer> {
  const res = await s.post(s.action({ operatorOpenId: user, messageId, chatId: s.fake.message(messageId)?.chat_id, value, formValue }));
  expect(res.status).toBe(200);
  await s.settle();
  return res.body as TapAnswer;
}

/** 新建接待, then the form card submitted with `form` (and once more with `reason` if asked). */
async function submit(user: string, form: Obj, reason?: string) {
  const before = cardsTo(user).length;
  await say(user, '新建接待');
  const formCard = cardsTo(user).slice(before).find((m) => titleOf(m.content) === '接待审批单');
  if (!formCard) throw new Error(`no request form card for ${user}`);
  let answer = await tap(user, formCard.message_id, buttonValue(formCard.content, { action: 'request.submit' }), form);
  if (reason && answer.toast?.type === 'warning') {
    answer = await tap(user, formCard.message_id, buttonValue(answer.card!.data, { action: 'request.submit' }), { ...form, reason });
  }
  const code = /JD-\d{4}-\d{4,}/.exec(answer.toast?.content ?? '')?.[0];
  return { answer, code, formMessageId: formCard.message_id };
}

const openApprovalCard = (user: string, code: string) =>
  cardsTo(user)
    .filter((m) => titleOf(m.content) === `接待审批：${code}` && buttonValues(m.content).some((v) => v.action === 'approval.act'))
    .at(-1);

async function act(user: string, code: string, decision: string, formValue: Obj = {}) {
  const card = openApprovalCard(user, code);
  if (!card) throw new Error(`${user} has no open approval card for ${code}`);
  return tap(user, card.message_id, buttonValue(card.content, { decision }), { comment: '', ...formValue });
}

/** The tables that hold domain state, without the inbound event log (refused taps are recorded there). */
async function domainState() {
  const { inboundEvents: _ignored, ...rest } = await snapshotState(s.bot.database);
  return rest;
}

const auditRows = (code: string, action: string) => s.bot.database.db.select().from(auditLog).where(and(eq(auditLog.entityId, code), eq(auditLog.action, action)));
const sentTo = (chatId: string) => s.fake.sent().filter((m) => m.receive_id === chatId);
const nowSec = () => Math.floor(Date.now() / 1000);
const json = { 'content-type': 'application/json; charset=utf-8' };

/** Signs `body` (a string) with our key, as Feishu would, without encrypting anything. */
function signRaw(body: string, timestamp = String(nowSec()), nonce = 'n0nce') {
  return { ...json, 'x-lark-request-timestamp': timestamp, 'x-lark-request-nonce': nonce, 'x-lark-signature': computeSignature(timestamp, nonce, SECRETS.encryptKey, body) };
}

// ---------------------------------------------------------------------------------------------

describe('deliveries that are not from Feishu, or not from now', () => {
  it('refuses a forged signature, a signature of another body, a missing header and a signature in capitals, with 401 and no change', async () => {
    const before = await snapshotState(s.bot.database);
    const event = s.message({ text: '帮助', senderOpenId: STAFF1, chatId: 'oc_forged' });
    const good = signedRequest(event, { encryptKey: SECRETS.encryptKey });
    const other = signedRequest(s.message({ text: '帮助', chatId: 'oc_forged' }), { encryptKey: SECRETS.encryptKey });
    const cases: Record<string, string>[] = [
      { ...good.headers, 'x-lark-signature': 'f'.repeat(64) },
      { ...good.headers, 'x-lark-signature': other.headers['x-lark-signature'] },
      { ...good.headers, 'x-lark-signature': good.headers['x-lark-signature'].toUpperCase() },
      { ...good.headers, 'x-lark-signature': good.headers['x-lark-signature'].slice(0, 63) },
      { ...good.headers, 'x-lark-signature': '' },
      { ...good.headers, 'x-lark-request-nonce': 'another-nonce' },
      { ...good.headers, 'x-lark-request-timestamp': String(Number(good.headers['x-lark-request-timestamp']) - 1) },
      Object.fromEntries(Object.entries(good.headers).filter(([k]) => k !== 'x-lark-request-nonce')),
      Object.fromEntries(Object.entries(good.headers).filter(([k]) => k !== 'x-lark-request-timestamp')),
    ];
    for (const headers of cases) expect((await s.postRaw(good.body, headers)).status, JSON.stringify(headers)).toBe(401);
    // The same event in clear (no encryption), signed correctly, is not accepted either.
    const plain = JSON.stringify(event);
    expect((await s.postRaw(plain, signRaw(plain))).status).toBe(400);
    await s.settle();
    expect(sentTo('oc_forged')).toHaveLength(0);
    expect(await snapshotState(s.bot.database)).toEqual(before);
  });

  it('does a replayed message once within the timestamp window, and refuses it after', async () => {
    const req = signedRequest(s.message({ text: '帮助', senderOpenId: STAFF1, chatId: 'oc_replay' }), { encryptKey: SECRETS.encryptKey });
    for (let i = 0; i < 3; i++) expect((await s.postRaw(req.body, req.headers)).status).toBe(200);
    await s.settle();
    expect(sentTo('oc_replay')).toHaveLength(1);
    const before = await snapshotState(s.bot.database);
    try {
      s.skew(5 * 60_000 + 5_000);
      expect((await s.postRaw(req.body, req.headers)).status).toBe(401);
      s.skew(60 * 60_000);
      expect((await s.postRaw(req.body, req.headers)).status).toBe(401);
    } finally {
      s.skew(0);
    }
    await s.settle();
    expect(sentTo('oc_replay')).toHaveLength(1);
    expect(await snapshotState(s.bot.database)).toEqual(before);
  });

  it('does a replayed 同意 tap once within the window (the second answer changes nothing), and refuses it after', async () => {
    const { code } = await submit(STAFF1, validForm({ guest_unit: '重放测试单位' }));
    const card = openApprovalCard(HEAD1, code!)!;
    const req = signedRequest(
      s.action({ operatorOpenId: HEAD1, messageId: card.message_id, chatId: card.chat_id, value: buttonValue(card.content, { decision: 'approve' }), formValue: { comment: '' } }),
      { encryptKey: SECRETS.encryptKey },
    );
    const first = await s.postRaw(req.body, req.headers);
    expect((first.body as TapAnswer).toast).toEqual({ type: 'success', content: '已同意' });
    await s.settle();
    const before = await snapshotState(s.bot.database);
    const again = await s.postRaw(req.body, req.headers);
    expect(again).toEqual({ status: 200, body: {} });
    try {
      s.skew(6 * 60_000);
      expect((await s.postRaw(req.body, req.headers)).status).toBe(401);
    } finally {
      s.skew(0);
    }
    await s.settle();
    expect(await snapshotState(s.bot.database)).toEqual(before);
    expect(await auditRows(code!, 'approve')).toHaveLength(1);
    expect(openApprovalCard(OFFICE1, code!)).toBeDefined();
  });

  it('refuses stale, future, malformed and millisecond timestamps even with a valid signature', async () => {
    const before = await snapshotState(s.bot.database);
    const now = nowSec();
    // 330 s ahead, not 301: on a loaded machine the request may reach the bot seconds after `now`
    // was read, and a timestamp 301 s ahead of then is inside the window by the time it is checked.
    for (const timestamp of [String(now - 301), String(now - 86_400), String(now + 330), String(Date.now()), 'abc', '-1', '1e9', ` ${now}`, `${now}.5`, '0']) {
      const res = await s.post(s.message({ text: '帮助', senderOpenId: STAFF1, chatId: 'oc_stale' }), { timestamp });
      expect(res.status, timestamp).toBe(401);
    }
    await s.settle();
    expect(sentTo('oc_stale')).toHaveLength(0);
    expect(await snapshotState(s.bot.database)).toEqual(before);
  });

  it('refuses a body encrypted with another key, whether signed with that key or with ours', async () => {
    const before = await snapshotState(s.bot.database);
    const event = s.message({ text: '帮助', senderOpenId: STAFF1, chatId: 'oc_otherkey' });
    const theirs = signedRequest(event, { encryptKey: 'someone-elses-key' });
    expect((await s.postRaw(theirs.body, theirs.headers)).status).toBe(401);
    for (let i = 0; i < 20; i++) {
      // AES-CBC with the wrong key sometimes yields valid padding: the answer is 4xx either way.
      const body = JSON.stringify({ encrypt: encryptString(JSON.stringify(event), `other-key-${i}`) });
      const res = await s.postRaw(body, signRaw(body));
      expect(res.status).toBe(400);
    }
    // A url_verification challenge under another key is not answered (it carries no signature).
    const challenge = await s.postRaw(JSON.stringify(encryptPayload(buildUrlVerification('ch-other', SECRETS.verificationToken), 'someone-elses-key')), json);
    expect(challenge.status).toBe(400);
    expect(JSON.stringify(challenge.body)).not.toContain('ch-other');
    // Under our key but with the wrong verification token it is refused too; with the right one it is answered.
    const wrongToken = await s.postRaw(JSON.stringify(encryptPayload(buildUrlVerification('ch-wrong', 'not-the-token'), SECRETS.encryptKey)), json);
    expect(wrongToken.status).toBe(401);
    const right = await s.postRaw(JSON.stringify(encryptPayload(buildUrlVerification('ch-right', SECRETS.verificationToken), SECRETS.encryptKey)), json);
    expect(right).toEqual({ status: 200, body: { challenge: 'ch-right' } });
    await s.settle();
    expect(sentTo('oc_otherkey')).toHaveLength(0);
    expect(await snapshotState(s.bot.database)).toEqual(before);
  });

  it('refuses truncated deliveries: cut after signing, a cut ciphertext signed again, a cut plaintext encrypted and signed', async () => {
    const before = await snapshotState(s.bot.database);
    const event = s.message({ text: '帮助', senderOpenId: STAFF1, chatId: 'oc_truncated' });
    const good = signedRequest(event, { encryptKey: SECRETS.encryptKey });
    for (const n of [0, 1, 11, 12, Math.floor(good.body.length / 2), good.body.length - 2, good.body.length - 1]) {
      const res = await s.postRaw(good.body.slice(0, n), good.headers);
      expect([400, 401], `cut at ${n}`).toContain(res.status);
    }
    const encrypted = (JSON.parse(good.body) as { encrypt: string }).encrypt;
    for (const n of [4, 24, 44, 64, encrypted.length - 24, encrypted.length - 4, encrypted.length - 1]) {
      const body = JSON.stringify({ encrypt: encrypted.slice(0, n) });
      expect((await s.postRaw(body, signRaw(body))).status, `ciphertext cut at ${n}`).toBe(400);
    }
    const plaintext = JSON.stringify(event);
    for (const n of [1, 20, Math.floor(plaintext.length / 2), plaintext.length - 1]) {
      const req = signedRequest(plaintext.slice(0, n), { encryptKey: SECRETS.encryptKey });
      expect((await s.postRaw(req.body, req.headers)).status, `plaintext cut at ${n}`).toBe(400);
    }
    await s.settle();
    expect(sentTo('oc_truncated')).toHaveLength(0);
    expect(await snapshotState(s.bot.database)).toEqual(before);
  });

  it('refuses oversized bodies with 413: with a length, streamed in chunks, and a small gzip that inflates past the limit', async () => {
    const before = await snapshotState(s.bot.database);
    const big = JSON.stringify({ encrypt: 'A'.repeat(600_000) });
    expect((await s.postRaw(big, signRaw(big))).status).toBe(413);

    const chunk = new TextEncoder().encode('A'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 40) return controller.close();
        sent++;
        controller.enqueue(chunk);
      },
    });
    const streamed = await fetch(`${s.bot.url}/feishu/events`, { method: 'POST', headers: json, body: stream, duplex: 'half' } as RequestInit & { duplex: 'half' });
    expect(streamed.status).toBe(413);

    const bomb = gzipSync(Buffer.from(JSON.stringify({ encrypt: 'B'.repeat(20 * 1024 * 1024) })));
    expect(bomb.length).toBeLessThan(100_000);
    expect((await s.postRaw(bomb, { ...json, 'content-encoding': 'gzip' })).status).toBe(413);
    const odd = await s.postRaw('{"encrypt":"x"}', { ...json, 'content-encoding': 'x-unknown' });
    expect(odd.status).toBeGreaterThanOrEqual(400);
    expect(odd.status).toBeLessThan(500);

    // A body just under the limit is read, and refused for what it is.
    const under = JSON.stringify({ encrypt: 'C'.repeat(500 * 1024) });
    expect((await s.postRaw(under, signRaw(under))).status).toBe(400);
    expect((await fetch(`${s.bot.url}/healthz`)).status).toBe(200);
    expect(await snapshotState(s.bot.database)).toEqual(before);
  });

  // Regressions found by the fuzz test: each of these answered 500 or 503 before.
  it('answers correctly signed payloads of odd shapes with 2xx or 4xx, never 5xx', async () => {
    const statuses: string[] = [];
    const send = async (name: string, payload: unknown) => statuses.push(`${name} ${(await s.post(payload)).status}`);
    for (const plain of ['null', '1', '"x"', '[]', 'true']) {
      const req = signedRequest(plain, { encryptKey: SECRETS.encryptKey });
      statuses.push(`${plain} ${(await s.postRaw(req.body, req.headers)).status}`);
    }
    const long = 'x'.repeat(5_000);
    await send('long event id', s.message({ text: '帮助', eventId: long, chatId: 'oc_odd_1' }));
    await send('long message id', s.message({ text: '帮助', messageId: `om_${long}`, chatId: 'oc_odd_2' }));
    await send('long chat id', s.message({ text: '帮助', chatId: `oc_${long}` }));
    const withText = (text: unknown, chatId: string) => {
      const e = s.message({ senderOpenId: 'ou_staff2', chatId });
      e.event.message.content = JSON.stringify({ text });
      return e;
    };
    await send('NUL in text', withText('帮助\u0000', 'oc_odd_nul'));
    await send('lone surrogate in text', withText('帮助 \ud800', 'oc_odd_surrogate'));
    await send('text whose toString is not a function', withText({ toString: 1 }, 'oc_odd_tostring'));
    const mention = s.message({ text: '帮助', senderOpenId: 'ou_staff2', chatId: 'oc_odd_mention', chatType: 'group', mentions: [{ openId: 'ou_bot', name: 'x' }] });
    (mention.event.message as Obj).mentions = [{ key: '@_user_1', id: { open_id: 'ou_bot' }, name: { toString: 1, valueOf: 2 } }];
    await send('mention name whose toString is not a function', mention);
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100; i++) deep = { a: deep };
    await send('card value nested 100 deep', s.action({ operatorOpenId: 'ou_staff2', value: { action: 'no.such', deep } }));
    await send('card value with NUL', s.action({ operatorOpenId: 'ou_staff2', value: { action: 'approval.act\u0000', code: '\ud800' }, formValue: { comment: '\u0000' } }));
    const sender = s.message({ text: '帮助' }) as { event: { sender: Obj } };
    sender.event.sender.sender_type = { toString: 1 };
    await send('sender type whose toString is not a function', sender);

    expect(statuses.filter((x) => !/ (200|400|401)$/.test(x))).toEqual([]);
    expect(statuses.filter((x) => x.startsWith('long '))).toEqual(['long event id 400', 'long message id 400', 'long chat id 400']);
    expect(statuses).toContain('card value nested 100 deep 400');
    await s.settle();
    // Text with a NUL or a lone surrogate is stored (as U+FFFD) and answered.
    expect(sentTo('oc_odd_nul')).toHaveLength(1);
    expect(sentTo('oc_odd_surrogate')).toHaveLength(1);
    expect(sentTo('oc_odd_tostring')).toHaveLength(1);
    expect((await fetch(`${s.bot.url}/healthz`)).status).toBe(200);
  });

  it('answers other methods on the event path with 404 and a short JSON body, never a stack', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await fetch(`${s.bot.url}/feishu/events`, { method });
      expect(res.status).toBe(404);
      const text = await res.text();
      expect(text).not.toMatch(/at .*\.(ts|js):\d+/);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('card callbacks whose value names what the operator may not touch', () => {
  let a: { code: string; card: SentMessage; approve: Obj };
  let b: { code: string; card: SentMessage; approve: Obj };

  beforeAll(async () => {
    const ra = await submit(STAFF1, validForm({ guest_unit: '越权测试甲单位' }));
    const rb = await submit(STAFF2, validForm({ guest_unit: '越权测试乙单位' }));
    const ca = openApprovalCard(HEAD1, ra.code!)!;
    const cb = openApprovalCard(HEAD2, rb.code!)!;
    a = { code: ra.code!, card: ca, approve: buttonValue(ca.content, { decision: 'approve' }) };
    b = { code: rb.code!, card: cb, approve: buttonValue(cb.content, { decision: 'approve' }) };
  });

  it("refuses another reception's code, another approval id, another round and a forged decision, and changes nothing", async () => {
    const before = await domainState();
    const forged: Obj[] = [
      { ...a.approve, code: b.code },
      { ...a.approve, code: b.code, approval: b.approve.approval },
      { ...a.approve, approval: b.approve.approval },
      { ...a.approve, code: 'JD-2026-9999' },
      { ...a.approve, code: `${a.code}' or '1'='1` },
      { ...a.approve, approval: 0 },
      { ...a.approve, approval: -1 },
      { ...a.approve, approval: String(a.approve.approval) },
      { ...a.approve, approval: [a.approve.approval] },
      { ...a.approve, approval: null },
      { ...a.approve, round: 2 },
      { ...a.approve, round: 0 },
      { ...a.approve, round: '1' },
      { ...a.approve, round: null },
      { ...a.approve, decision: 'approve_all' },
      { ...a.approve, decision: 'APPROVE' },
      { ...a.approve, decision: '' },
      { ...a.approve, decision: ['approve'] },
      { ...a.approve, decision: 'sign' },
      { ...a.approve, action: 'approval.act ' },
    ];
    for (const value of forged) {
      const answer = await tap(HEAD1, a.card.message_id, value, { comment: '' });
      expect(['error', 'warning'], JSON.stringify(value)).toContain(answer.toast?.type);
      expect(answer.card, JSON.stringify(value)).toBeUndefined();
    }
    // HEAD1 on B's own card, with B's own value: not B's approver.
    expect((await tap(HEAD1, b.card.message_id, b.approve, { comment: '' })).toast?.type).toBe('error');
    expect(await domainState()).toEqual(before);
  });

  it('refuses every operator but the current approver, including the next approver, the requester and a stranger', async () => {
    const before = await domainState();
    for (const who of [STAFF2, HEAD2, OFFICE1, LEADER1, STAFF1, 'ou_stranger_not_in_org']) {
      for (const decision of ['approve', 'reject', 'return', 'transfer']) {
        const answer = await tap(who, a.card.message_id, { ...a.approve, decision }, { comment: '理由', transfer_to: OFFICE2 });
        expect(answer.toast?.type, `${who} ${decision}`).toBe('error');
        expect(answer.card).toBeUndefined();
      }
    }
    expect(await domainState()).toEqual(before);
    expect(openApprovalCard(OFFICE1, a.code)).toBeUndefined();
    // The card still works for the approver it was sent to.
    expect((await tap(HEAD1, a.card.message_id, a.approve, { comment: '' })).toast).toEqual({ type: 'success', content: '已同意' });
    expect(openApprovalCard(OFFICE1, a.code)).toBeDefined();
  });

  it('refuses values that name a task, a settlement or an import that does not belong to the operator', async () => {
    const before = await domainState();
    const values: Obj[] = [
      { action: 'task.done', code: b.code, task: 1 },
      { action: 'task.assign', code: a.code, task: 1 },
      { action: 'settlement.sign', code: a.code, hash: 'x' },
      { action: 'settlement.audit', code: a.code, decision: 'pass', version: 1 },
      { action: 'settlement.line.remove', code: b.code, line: 1 },
      { action: 'ledger.import', importId: 1, skipBad: true },
      { action: 'request.change', code: b.code },
      { action: 'request.submit', code: b.code },
    ];
    for (const who of [STAFF2, 'ou_stranger_not_in_org']) {
      for (const value of values) {
        const answer = await tap(who, a.card.message_id, value, {});
        expect(['error', 'warning', 'info'], `${who} ${JSON.stringify(value)}`).toContain(answer.toast?.type);
      }
    }
    expect(await domainState()).toEqual(before);
  });

  // `decision in DECISIONS` once also accepted the names Object.prototype carries ('toString',
  // 'constructor', …): the current approver could send a request back (退回修改) without a reason.
  it('refuses a decision named after an Object.prototype member (toString) from the current approver', async () => {
    const { code } = await submit(STAFF1, validForm({ guest_unit: '原型链测试单位' }));
    const card = openApprovalCard(HEAD1, code!)!;
    const before = await domainState();
    const answer = await tap(HEAD1, card.message_id, { ...buttonValue(card.content, { decision: 'approve' }), decision: 'toString' }, { comment: '' });
    expect(answer.toast?.type).toBe('error');
    expect(await domainState()).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------

/** Everything a person types, with the markup that would notify everyone, hide a link, or break the card. */
const INJ = '<at id=all></at>[点我](https://evil.example)**粗**</font><font color=red>红</font>"}]}`#|~_!\\';
const tagged = (tag: string) => `${tag}${INJ}`;

interface CardSeen {
  where: string;
  card: Obj;
}

/** Every card and text the bot sent, patched or answered, parsed from the raw bytes the fake received. */
function everythingSent(answers: TapAnswer[], fake: FakeFeishu = s.fake): { cards: CardSeen[]; texts: string[]; unparsable: string[] } {
  const cards: CardSeen[] = [];
  const texts: string[] = [];
  const unparsable: string[] = [];
  for (const r of fake.requests) {
    const body = r.body as { msg_type?: string; content?: unknown; card?: unknown } | undefined;
    if (!body || r.status !== 200) continue;
    const isSend = r.method === 'POST' && /^\/open-apis\/im\/v1\/messages(\/[^/]+\/reply)?$/.test(r.path);
    const isPatch = r.method === 'PATCH' && /^\/open-apis\/im\/v1\/messages\/[^/]+$/.test(r.path);
    if (!isSend && !isPatch) continue;
    if (typeof body.content !== 'string') {
      unparsable.push(`${r.method} ${r.path}: content is not a string`);
      continue;
    }
    let content: unknown;
    try {
      content = JSON.parse(body.content);
    } catch {
      unparsable.push(`${r.method} ${r.path}: ${body.content.slice(0, 200)}`);
      continue;
    }
    if (isPatch || body.msg_type === 'interactive') cards.push({ where: `${r.method} ${r.path}`, card: content as Obj });
    else if (body.msg_type === 'text') texts.push(String((content as { text?: unknown }).text));
  }
  for (const a of answers) {
    if (!a.card?.data) continue;
    const { __after: _harnessNote, ...card } = a.card.data as Obj; // the settlement harness marks its answers
    cards.push({ where: 'callback answer', card });
  }
  return { cards, texts, unparsable };
}

/** What is wrong with one card: broken structure, or user markup that would render live. */
function cardProblems({ where, card }: CardSeen): string[] {
  const problems: string[] = [];
  const title = titleOf(card);
  const say = (p: string) => problems.push(`${where} 「${title}」: ${p}`);
  if (card.schema !== '2.0') say('schema is not 2.0');
  if (!card.header || typeof (card.header as Obj).title !== 'object') say('header.title missing');
  if (!card.body || !Array.isArray((card.body as Obj).elements)) say('body.elements is not an array');
  for (const k of Object.keys(card)) if (!['schema', 'config', 'header', 'body'].includes(k)) say(`unexpected top-level key ${k}`);
  if (JSON.stringify(card).length > 30_000) say('card is larger than Feishu accepts (30 KB)');
  const walk = (node: unknown, key: string, parent: Obj | undefined, path: string) => {
    if (Array.isArray(node)) return node.forEach((x, i) => walk(x, String(i), parent, `${path}[${i}]`));
    if (typeof node === 'string') {
      const renders = parent && (parent.tag === 'markdown' || parent.tag === 'lark_md') && key === 'content';
      if (renders) {
        if (/<at\b/i.test(node)) say(`live mention in markdown at ${path}`);
        if (/\]\(\s*https?:\/\/evil/i.test(node) || /<a\b/i.test(node)) say(`live link in markdown at ${path}`);
        if (node.includes('**粗**')) say(`injected emphasis in markdown at ${path}`);
        if (/<\/font><font|<font color=red>/i.test(node)) say(`injected font tag in markdown at ${path}`);
      } else if (node.includes('<at id=all>')) {
        // Raw user text is fine where Feishu shows text as typed (plain_text, an input's value, the
        // chat-list summary) or does not show it at all (a button's callback value, an option's value).
        const literal =
          (parent?.tag === 'plain_text' && key === 'content') || key === 'default_value' || path.startsWith('config.summary') || /(^|\.)value(\.|\[|$)/.test(path);
        if (!literal) say(`raw user text at ${path} (tag ${String(parent?.tag)})`);
      }
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const o = node as Obj;
    if ('tag' in o && typeof o.tag !== 'string') say(`non-string tag at ${path}`);
    for (const [k, v] of Object.entries(o)) walk(v, k, o, path ? `${path}.${k}` : k);
  };
  walk(card, '', undefined, '');
  return problems;
}

describe('markdown injection in every field a person types', () => {
  it('shows <at id=all>, links, emphasis, font tags and JSON breakers as text on every card and in every text message', async () => {
    const answers: TapAnswer[] = [];
    const keep = (a: TapAnswer) => (answers.push(a), a);
    const requestsBefore = s.fake.requests.length;

    // A description after 新建接待 and an unknown command are echoed back.
    await say(STAFF1, `新建接待 ${tagged('描述')}`);
    await say(STAFF1, tagged('未知指令'));

    // Every free-text field of the form (docs/contracts.md §2.1), and the 情况说明 (8 vehicles for 5 guests needs one, R10).
    const form = validForm({
      guest_unit: tagged('单位'), lead_name: tagged('张'), lead_title: tagged('处长'), purpose_detail: tagged('安排'),
      letter_no: tagged('函'), notes: tagged('备注'), vehicles: '8',
    });
    const first = await submit(STAFF1, form, tagged('理由'));
    keep(first.answer);
    const code = first.code!;
    expect(code, JSON.stringify(first.answer)).toBeDefined();

    keep(await act(HEAD1, code, 'approve', { comment: tagged('意见一') }));
    keep(await act(OFFICE1, code, 'return', { comment: tagged('退回') }));
    // The requester resubmits from the pre-filled form the bot sent back.
    const returned = cardsTo(STAFF1).filter((m) => titleOf(m.content) === '接待审批单' && buttonValues(m.content).some((v) => v.code === code)).at(-1)!;
    expect(returned).toBeDefined();
    const again = keep(await tap(STAFF1, returned.message_id, buttonValue(returned.content, { action: 'request.submit' }), { ...form, reason: tagged('理由二') }));
    expect(again.toast?.type, JSON.stringify(again.toast)).toBe('success');
    keep(await act(HEAD1, code, 'approve', { comment: tagged('意见二') }));
    keep(await act(OFFICE1, code, 'transfer', { comment: tagged('转交'), transfer_to: OFFICE2 }));
    keep(await act(OFFICE2, code, 'approve', { comment: tagged('意见三') }));
    keep(await act(LEADER1, code, 'approve', { comment: tagged('意见四') }));
    const last = keep(await act(CHIEF, code, 'approve', { comment: tagged('意见五') }));
    expect(last.toast?.type, JSON.stringify(last.toast)).toBe('success');

    // A second request, rejected with a reason (the requester is told the reason as text).
    const second = await submit(STAFF1, { ...form, guest_unit: tagged('单位二') }, tagged('理由三'));
    keep(second.answer);
    keep(await act(HEAD1, second.code!, 'reject', { comment: tagged('驳回') }));

    await say(STAFF1, `查看 ${code}`);
    await say(STAFF1, '我的接待');
    await say(STAFF1, `手册 ${code}`);
    await say(OFFICE1, '待办');
    await s.settle();

    const { cards, texts, unparsable } = everythingSent(answers);
    expect(unparsable).toEqual([]);
    expect(s.fake.requests.slice(requestsBefore).filter((r) => r.status !== 200 && r.path.startsWith('/open-apis/im/')).map((r) => `${r.method} ${r.path} ${JSON.stringify(r.response)}`)).toEqual([]);
    // The cards that matter are all there: approval cards, status cards, the plan's group cards, the detail card.
    const titles = new Set(cards.map((c) => titleOf(c.card)));
    expect([...titles].some((t) => t === `接待审批：${code}`)).toBe(true);
    expect([...titles].some((t) => t === `我的接待申请：${code}`)).toBe(true);
    expect([...titles].some((t) => t === `接待详情：${code}`)).toBe(true);
    expect(cards.length).toBeGreaterThan(15);

    expect(cards.flatMap(cardProblems)).toEqual([]);

    // The user text is on the cards, shown as what was typed.
    const shown = cards.map((c) => cardText(c.card)).join('\n');
    for (const tag of ['单位', '张', '处长', '安排', '函', '备注', '理由', '意见一', '退回', '转交', '意见四', '驳回']) expect(shown, tag).toContain(tagged(tag));

    // Text messages (group broadcasts, notices to the requester) carry no markup either.
    expect(texts.length).toBeGreaterThan(0);
    const textProblems = texts.filter((t) => /[<>]/.test(t) || /\]\(/.test(t));
    expect(textProblems).toEqual([]);
    expect(texts.some((t) => t.includes('单位'))).toBe(true);
    // The group chat the plan created is named with the unit as plain text.
    const chat = s.fake.chats().find((c) => c.name?.startsWith(code));
    expect(chat?.name).toBeDefined();
  });
});

describe('markdown injection in the settlement', () => {
  it('shows the markup typed into the reception list, expense lines and audit comments as text on every settlement card', async () => {
    const h = await startSettlementHarness();
    try {
      const answers: TapAnswer[] = [];
      const keep = (a: TapAnswer) => (answers.push(a), a);
      h.setDay(0);
      const code = await h.approvedReception({ guest_unit: tagged('单位'), lead_name: tagged('张'), notes: tagged('备注') });
      h.setDay(11);
      await h.say(STAFF1, `结算 ${code}`);
      const line = { category: '餐费', amount: '450', persons: '8', payee: tagged('收款'), invoice_no: '04400001', payment: '公务卡', items: tagged('明细'), reason: tagged('费用说明') };
      expect(keep(await h.addLine(STAFF1, code, line)).toast?.type).toBe('success');
      await h.sendDocument(STAFF1);
      keep(await h.classify(STAFF1, code, '发票', 1));
      const saved = keep(
        await h.press(STAFF1, code, 'settlement.list.save', {
          guests: `${tagged('来宾')} 处长\n李娜 ${tagged('科长')}`,
          activities: `09:00 ${tagged('地点')} ${tagged('内容')}`,
          accompany: tagged('陪同'),
          reason: tagged('清单说明'),
        }),
      );
      expect(saved.toast?.type, JSON.stringify(saved.toast)).toBe('success');
      expect(keep(await h.press(STAFF1, code, 'settlement.sign')).toast?.type).toBe('success');
      expect(keep(await h.press(HEAD1, code, 'settlement.sign')).toast?.type).toBe('success');
      const returned = keep(await h.press(OFFICE1, code, 'settlement.audit', { comment: tagged('审核退回') }, (v) => v.decision === 'return'));
      expect(returned.toast?.type, JSON.stringify(returned.toast)).toBe('success');
      await h.say(STAFF1, `结算 ${code}`);
      await h.settle();

      const { cards, texts, unparsable } = everythingSent(answers, h.fake);
      expect(unparsable).toEqual([]);
      const settlementCards = cards.filter((c) => titleOf(c.card).includes(code));
      expect(settlementCards.length).toBeGreaterThan(5);
      expect(cards.flatMap(cardProblems)).toEqual([]);
      const shown = cards.map((c) => cardText(c.card)).join('\n');
      // The list splits lines on spaces (姓名 职务, 时间 地点 内容), so only the start of each is checked whole.
      for (const tag of ['收款', '明细', '清单说明', '审核退回']) expect(shown, tag).toContain(tagged(tag));
      for (const tag of ['来宾', '科长', '地点', '内容', '陪同']) expect(shown, tag).toContain(`${tag}<at`);
      expect(texts.filter((t) => /[<>]/.test(t) || /\]\(/.test(t))).toEqual([]);
    } finally {
      await h.close();
    }
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------

describe('the simulator when a Feishu app is configured', () => {
  const simRoutes: [string, string][] = [
    ['GET', '/'],
    ['GET', '/index.html'],
    ['GET', '/sim/index.html'],
    ['GET', '/sim/api/people'],
    ['GET', `/sim/api/messages?user=${STAFF1}`],
    ['POST', '/sim/api/messages'],
    ['POST', '/sim/api/card-action'],
    ['POST', '/sim/api/upload'],
  ];
  const probe = async (url: string) =>
    Promise.all(
      simRoutes.map(async ([method, path]) => {
        const res = await fetch(`${url}${path}`, {
          method,
          headers: json,
          body: method === 'POST' ? JSON.stringify({ user: STAFF1, text: '帮助', message_id: 'om_x', value: {} }) : undefined,
        });
        return `${method} ${path} ${res.status}`;
      }),
    );

  it('answers 404 on every simulator route in webhook mode', async () => {
    expect(await probe(s.bot.url)).toEqual(simRoutes.map(([m, p]) => `${m} ${p} 404`));
  });

  it('answers 404 on every simulator route, and on the webhook path, in long-connection mode', async () => {
    const fake = await startFakeFeishu();
    const bot = await startBot({ baseUrl: fake.url, mode: 'ws', background: false });
    try {
      expect(await probe(bot.url)).toEqual(simRoutes.map(([m, p]) => `${m} ${p} 404`));
      const req = signedRequest({ schema: '2.0' }, { encryptKey: 'e2e-encrypt-key' });
      expect((await fetch(`${bot.url}/feishu/events`, { method: 'POST', headers: req.headers, body: req.body })).status).toBe(404);
    } finally {
      await bot.close();
      await fake.close();
    }
  });

  it('serves the simulator, and no webhook, when no Feishu app is configured', async () => {
    const bot = await startBot({ background: false });
    try {
      expect((await fetch(`${bot.url}/`)).status).toBe(200);
      expect((await fetch(`${bot.url}/sim/api/people`)).status).toBe(200);
      expect((await fetch(`${bot.url}/feishu/events`, { method: 'POST', headers: json, body: '{}' })).status).toBe(404);
      // The simulator's own request size limits.
      const huge = await fetch(`${bot.url}/sim/api/messages`, { method: 'POST', headers: json, body: JSON.stringify({ user: STAFF1, text: 'x'.repeat(100_000) }) });
      expect(huge.status).toBe(413);
      const long = await fetch(`${bot.url}/sim/api/messages`, { method: 'POST', headers: json, body: JSON.stringify({ user: STAFF1, text: 'x'.repeat(2_001) }) });
      expect(long.status).toBe(400);
    } finally {
      await bot.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('secrets in the logs', () => {
  it('writes no secret to the logs at debug level, also when Feishu refuses the token call, fails a send or calls the token invalid', async () => {
    const tokens = new Set([s.fake.tenantAccessToken]);
    // (The first token call of the suite was refused, see beforeAll.) A send fails with 500, another is told the token is invalid.
    s.fake.inject({ route: 'POST /open-apis/im/v1/messages', times: 1, fault: { status: 500, body: { code: 1, msg: 'boom' } } });
    await say(STAFF1, '帮助');
    s.fake.inject({ route: 'POST /open-apis/im/v1/messages', times: 1, fault: { code: 99991663, msg: 'Invalid access token for authorization. Please make a request with token attached.' } });
    await say(STAFF1, '帮助');
    // Refused deliveries are logged too.
    await s.postRaw('{"encrypt":"x"}', { ...json, 'x-lark-signature': 'f'.repeat(64), 'x-lark-request-timestamp': String(nowSec()), 'x-lark-request-nonce': 'n' });
    await s.post(buildUrlVerification('ch-log', 'wrong-token'));
    s.fake.clearFaults();
    await s.settle();

    // The failures happened, and were logged (by the SDK and the outbox), so the search below means something.
    expect(s.fake.requests.some((r) => r.path === '/open-apis/auth/v3/tenant_access_token/internal' && r.status === 500)).toBe(true);
    expect(s.fake.requests.some((r) => r.path === '/open-apis/im/v1/messages' && r.status === 500)).toBe(true);
    const logs = s.logLines.join('\n');
    expect(logs).toMatch(/"level":(40|50).*"component":"(lark-sdk|outbox)"|"component":"(lark-sdk|outbox)".*"level":(40|50)/);
    expect(s.logLines.length).toBeGreaterThan(20);
    expect(logs).toContain('"level":20'); // debug lines were written
    const { appId: _notSecret, ...secrets } = SECRETS;
    for (const [name, secret] of Object.entries({ ...secrets, ...Object.fromEntries([...tokens].map((t, i) => [`tenant token ${i}`, t])) })) {
      expect(logs.includes(secret), `${name} appears in the logs`).toBe(false);
    }
    // Nor the secrets' halves (a secret split across a log line's fields, or truncated).
    for (const secret of Object.values(secrets)) {
      expect(logs.includes(secret.slice(0, 16)), secret).toBe(false);
      expect(logs.includes(secret.slice(-16)), secret).toBe(false);
    }
    expect(logs).not.toMatch(/"app_secret"\s*:\s*"[^"[]/);
    expect(logs).not.toMatch(/Bearer t-/);
  });
});
