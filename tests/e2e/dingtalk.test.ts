// DingTalk end to end: the real bot in Stream mode against the fake DingTalk. A request is filed on
// the H5 form, climbs the three-level chain by one-tap ActionCard buttons (the command each button
// sends as the person tapping it), and forged, duplicated, malformed and wrong-person input changes nothing.
import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvals, delegations, inboundEvents, receptions } from '../../src/db/schema/index.js';
import { validForm } from '../fixtures/request-form.js';
import { commandOf, buttonsOf, startDingTalkHarness, textOf, type DingTalkHarness } from '../fake-dingtalk/bot-harness.js';
import { DT_BOT_USER_ID, robotFrame } from '../fake-dingtalk/index.js';

describe('DingTalk: the approval chain over Stream mode', () => {
  let h: DingTalkHarness;
  beforeAll(async () => {
    h = await startDingTalkHarness();
  }, 60_000);
  afterAll(async () => h?.close());

  async function receptionState(code: string) {
    const [r] = await h.bot.database.db.select().from(receptions).where(eq(receptions.code, code));
    return r?.state;
  }

  /** 新建接待 → the form card → its H5 form filled and submitted; the code from the answer page. */
  async function file(user = 'ou_staff1', form: Record<string, unknown> = {}) {
    await h.say(user, '新建接待');
    const card = h.cardsTo(user, '接待审批单').at(-1)!;
    expect(card).toBeTruthy();
    const page = await h.openForm(card, '填写并提交审批');
    expect(page.status).toBe(200);
    const done = await h.submitForm(page, '提交审批', validForm(form));
    const code = /JD-\d{4}-\d{4,}/.exec(done.html)?.[0];
    if (!code) throw new Error(`not submitted: ${done.html.replace(/<style>[\s\S]*<\/style>/, "").replace(/<[^>]*>/g, " ").slice(0, 1500)}`);
    return code;
  }

  it('opens the stream with the app credentials and answers a command one-to-one by staff id', async () => {
    expect(h.fake.opens().at(-1)).toEqual({ clientId: 'dingfakeclient0001', ok: true });
    const ack = await h.say('ou_staff1', '帮助');
    expect(ack).toMatchObject({ code: 200, headers: { messageId: expect.any(String) } });
    const last = h.messagesTo('ou_staff1').at(-1)!;
    expect(textOf(last)).toContain('新建接待');
    expect(h.fake.tokensIssued()).toBe(1);
  });

  it('drives a request through department head, office director and leader by one-tap buttons', async () => {
    const code = await file();
    expect(await receptionState(code)).toBe('pending');
    for (const who of ['ou_head1', 'ou_office1', 'ou_leader1']) {
      const card = h.cardsTo(who, `接待审批：${code}`).at(-1);
      expect(card, `${who} has an approval card`).toBeTruthy();
      expect(buttonsOf(card!).map((b) => b.title)).toEqual(['同意', '驳回', '退回修改', '转交', '填写意见后办理']);
      expect(commandOf(buttonsOf(card!)[0].url)).toMatch(new RegExp(`^同意 ${code} #`));
      const before = h.messagesTo(who).length;
      await h.tap(who, card!, '同意');
      // One tap, one message: the card as it now stands, with no live buttons (a robot cannot edit
      // what it sent; the domain's update of the card and the tap's answer are one message, and a
      // success toast would only repeat what the card says).
      const after = h.messagesTo(who).slice(before);
      expect(after).toHaveLength(1);
      expect(after[0].msgParam.title).toBe(`接待审批：${code}`);
      expect(textOf(after[0])).toContain('您已同意');
      expect(buttonsOf(after[0])).toEqual([]);
    }
    expect(await receptionState(code)).toBe('approved');
    const steps = await h.bot.database.db.select().from(approvals);
    expect(steps.filter((s) => s.actedBy).map((s) => s.actedBy)).toEqual(expect.arrayContaining(['ou_head1', 'ou_office1', 'ou_leader1']));
    expect(h.textsTo('ou_staff1').concat(h.cardsTo('ou_staff1').map(textOf)).join('\n')).toContain('审批通过');
  });

  it('refuses a tap by someone who is not the approver, and the request stays where it was', async () => {
    const code = await file();
    const card = h.cardsTo('ou_head1', `接待审批：${code}`).at(-1)!;
    const before = h.textsTo('ou_staff2').length;
    await h.tap('ou_staff2', card, '同意');
    expect(h.textsTo('ou_staff2').slice(before).join('\n')).toMatch(/不是|无权|无需/);
    expect(await receptionState(code)).toBe('pending');
  });

  it('refuses a command whose token was altered, and nothing changes', async () => {
    const code = await file();
    const card = h.cardsTo('ou_head1', `接待审批：${code}`).at(-1)!;
    const command = commandOf(buttonsOf(card).find((b) => b.title === '同意')!.url);
    const forged = command.replace(/#(\S)/, (_, c: string) => `#${c === 'A' ? 'B' : 'A'}`);
    const before = h.textsTo('ou_head1').length;
    await h.say('ou_head1', forged);
    expect(h.textsTo('ou_head1').slice(before)).toEqual(['该操作指令无效（可能已被修改），未予执行。请在卡片上重新点击按钮办理。']);
    expect(await receptionState(code)).toBe('pending');
  });

  it('handles a frame delivered twice (same msgId) once', async () => {
    const code = await file();
    const card = h.cardsTo('ou_head1', `接待审批：${code}`).at(-1)!;
    const command = commandOf(buttonsOf(card).find((b) => b.title === '同意')!.url);
    const msgId = `msgdup${Date.now()}`;
    const a = await h.say('ou_head1', command, { msgId });
    const b = await h.say('ou_head1', command, { msgId });
    expect(a.code).toBe(200);
    expect(b.code).toBe(200);
    const [r] = await h.bot.database.db.select().from(receptions).where(eq(receptions.code, code));
    const acted = (await h.bot.database.db.select().from(approvals).where(eq(approvals.receptionId, r.id))).filter((s) => s.actedBy === 'ou_head1');
    expect(acted).toHaveLength(1);
    // A typed command delivered twice is answered once.
    const n = h.messagesTo('ou_staff1').length;
    await h.say('ou_staff1', '帮助', { msgId: 'msghelp-dup' });
    await h.say('ou_staff1', '帮助', { msgId: 'msghelp-dup' });
    expect(h.messagesTo('ou_staff1').length).toBe(n + 1);
  });

  it('answers malformed frames with a 4xx ack and sends nothing', async () => {
    const n = h.fake.sent().length;
    const notJson = robotFrame('{not json', 'bad-1');
    expect(await h.fake.pushRaw(notJson, 'bad-1')).toMatchObject({ code: 400 });
    const missing = robotFrame({ msgtype: 'text', text: { content: '帮助' } }, 'bad-2');
    expect(await h.fake.pushRaw(missing, 'bad-2')).toMatchObject({ code: 400 });
    const otherRobot = robotFrame(h.fake.robotMessage({ from: 'ou_staff1', text: '帮助', robotCode: 'dingother' }), 'bad-3');
    expect(await h.fake.pushRaw(otherRobot, 'bad-3')).toMatchObject({ code: 400 });
    await h.fake.pushRaw('garbage that is not a frame');
    // JSON that is no frame at all: the process stays up and the stream goes on working.
    for (const raw of ['null', '[]', '42', '"text"']) await h.fake.pushRaw(raw);
    await h.settle();
    expect(h.fake.sent().length).toBe(n);
    await h.say('ou_staff1', '帮助');
    expect(h.fake.sent().length).toBeGreaterThan(n);
  });

  it('stores text with NUL characters and half emoji as text, and answers it', async () => {
    const n = h.fake.sent().length;
    await h.say('ou_staff1', `帮助\u0000${'\ud83d'}`);
    expect(h.fake.sent().length).toBeGreaterThan(n);
    const [row] = await h.bot.database.db.select().from(inboundEvents).orderBy(desc(inboundEvents.id)).limit(1);
    expect((row.payload as { text: string }).text).toBe('帮助\ufffd\ufffd');
  });

  it('answers a group @mention in the group, and someone outside the org gets the unknown-person answer', async () => {
    await h.say('ou_office1', '帮助', { group: true, conversationId: 'oc_office' });
    expect(textOf(h.groupMessages('oc_office').at(-1)!)).toContain('新建接待');
    const before = h.fake.sent().length;
    await h.say('stranger', '我的接待', { noStaffId: true });
    expect(h.fake.sent().length).toBeGreaterThan(before);
  });

  it('echoes the gateway ping and reconnects after a disconnect, still working', async () => {
    const echo = await h.fake.ping();
    expect(echo).toMatchObject({ code: 200 });
    const connections = h.fake.connections;
    await h.fake.disconnect();
    await new Promise((r) => setTimeout(r, 300));
    await h.fake.waitConnected();
    expect(h.fake.connections).toBeGreaterThan(connections);
    await h.say('ou_staff1', '帮助');
    expect(textOf(h.messagesTo('ou_staff1').at(-1)!)).toContain('新建接待');
  });

  it('fetches a new access token when DingTalk answers 401', async () => {
    const issued = h.fake.tokensIssued();
    h.fake.revokeTokens();
    await h.say('ou_staff1', '帮助');
    expect(h.fake.tokensIssued()).toBe(issued + 1);
    expect(textOf(h.messagesTo('ou_staff1').at(-1)!)).toContain('新建接待');
  });

  it('refuses a form link that was altered or has expired, with a clear page', async () => {
    await h.say('ou_staff1', '新建接待');
    const card = h.cardsTo('ou_staff1', '接待审批单').at(-1)!;
    const url = buttonsOf(card).find((b) => b.title === '填写并提交审批')!.url;
    const path = new URL(url).pathname;
    const tampered = path.replace(/\.(.)/, (_, c: string) => `.${c === 'A' ? 'B' : 'A'}`);
    const res = await fetch(`${h.bot.url}${tampered}`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('签名不符');
    const post = await fetch(`${h.bot.url}${tampered}`, { method: 'POST', body: new URLSearchParams({ _n: 'a'.repeat(24), guest_unit: 'x' }) });
    expect(post.status).toBe(403);
  });

  it('rejects with a reason written on the comment page, and refuses 驳回 without one', async () => {
    const code = await file();
    const card = h.cardsTo('ou_head1', `接待审批：${code}`).at(-1)!;
    const before = h.textsTo('ou_head1').length;
    await h.tap('ou_head1', card, '驳回');
    expect(h.textsTo('ou_head1').slice(before).join('\n')).toContain('理由');
    expect(await receptionState(code)).toBe('pending');
    const page = await h.openForm(card, '填写意见后办理');
    expect(page.buttons).toEqual(['同意', '驳回', '退回修改', '转交', '加签']);
    expect(page.html).toMatch(/<option value="[^"]+">[^<]+（办公室）<\/option>/);
    const sent = h.messagesTo('ou_head1').length;
    await h.submitForm(page, '驳回', { comment: '来访事由与本单位职能无关' });
    expect(await receptionState(code)).toBe('rejected');
    // The chat gets the card as it now stands, once: the page shows the outcome too.
    await h.settle();
    const after = h.messagesTo('ou_head1').slice(sent);
    expect(after).toHaveLength(1);
    expect(textOf(after[0])).toContain('您已驳回');
    expect(buttonsOf(after[0])).toEqual([]);
  });

  it('handles a form page submitted twice once, and refuses a post without its nonce', async () => {
    const count = async () => (await h.bot.database.db.select().from(receptions)).length;
    await h.say('ou_staff2', '新建接待');
    const card = h.cardsTo('ou_staff2', '接待审批单').at(-1)!;
    const page = await h.openForm(card, '填写并提交审批');
    const n = await count();
    const first = await h.submitForm(page, '提交审批', validForm({ guest_unit: '省财政厅' }));
    expect(first.html).toMatch(/JD-\d{4}-\d{4,}/);
    const again = await h.submitForm(page, '提交审批', validForm({ guest_unit: '省财政厅' }));
    expect(again.html).toContain('请勿重复提交');
    expect(await count()).toBe(n + 1);
    const res = await fetch(`${h.bot.url}${page.action}`, { method: 'POST', body: new URLSearchParams({ _b: '0', guest_unit: 'x' }) });
    expect(res.status).toBe(400);
    expect(await count()).toBe(n + 1);
  });

  it('reads the person a 代理 names from a real @mention in a group, and from a typed name one-to-one', async () => {
    const until = `${new Date().getFullYear() + 1}-06-30`;
    await h.say('ou_head2', `@接待助手 代理 @钱进 至 ${until}`, { group: true, conversationId: 'oc_office', atUsers: [{ dingtalkId: DT_BOT_USER_ID }, { dingtalkId: '$:LWCP_v1:$q', staffId: 'ou_office2' }] });
    await h.say('ou_leader2', `代理 @赵敏 至 ${until}`);
    const rows = await h.bot.database.db.select().from(delegations);
    expect(rows.map((r) => [r.principal, r.delegate, r.until])).toEqual(expect.arrayContaining([['ou_head2', 'ou_office2', until], ['ou_leader2', 'ou_office1', until]]));
  });

  it('shows markdown typed into a guest unit as text on DingTalk cards, with no live link', async () => {
    // A guest unit carrying a link that would send 代理 as whoever taps it (the subtitle of the
    // approver's card on Feishu is plain text, so the unit is put there as typed).
    const command = `代理 @刘芳 至 ${new Date().getFullYear() + 5}-12-31`;
    const unit = `省发改委[点此查看来函原件](dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent(command)}) **加急** # 标题`;
    const code = await file('ou_staff1', { guest_unit: unit });
    const before = await h.bot.database.db.select().from(delegations).where(eq(delegations.principal, 'ou_head1'));
    const card = h.cardsTo('ou_head1', `接待审批：${code}`).at(-1)!;
    const text = card.msgParam.text;
    // The unit is there as the approver reads it, with look-alike brackets: no link, bold or heading.
    expect(text).toContain('省发改委［点此查看来函原件］（dtmd://dingtalkclient/sendMessage?content=');
    expect(text).toContain('＊＊加急＊＊ ＃ 标题');
    expect(text).not.toMatch(/\]\(/);
    expect(text).not.toMatch(/\*\*加急|\n#+ 标题/);
    // The card's only links are its own signed buttons; none of them carries the typed command.
    const sent = buttonsOf(card).filter((b) => b.url.startsWith('dtmd:')).map((b) => commandOf(b.url));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((c) => !c.startsWith('同意') && !c.startsWith('驳回') && !c.startsWith('退回修改') && !c.startsWith('转交'))).toEqual([]);
    // No delegation came of it.
    const after = await h.bot.database.db.select().from(delegations).where(eq(delegations.principal, 'ou_head1'));
    expect(after).toEqual(before);
  });
});
