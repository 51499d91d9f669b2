// DingTalk end to end, after the visit: 结算 → an expense line on the H5 form → the invoice photo
// (a picture message, downloaded through the robot message-file API) classified on the H5 form →
// 双签 by one-tap 签字 from the handler and the department head → both audits → settled.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receptions, settlements } from '../../src/db/schema/index.js';
import { validForm } from '../fixtures/request-form.js';
import { buttonsOf, startDingTalkHarness, textOf, type DingTalkHarness } from '../fake-dingtalk/bot-harness.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f5d6a80000000049454e44ae426082', 'hex');
const meal = { category: '餐费', amount: '450', persons: '8', payee: '园区职工食堂', invoice_no: '04400001', payment: '公务卡', items: '工作餐（家常菜）' };

describe('DingTalk: settlement and its signatures', () => {
  let h: DingTalkHarness;
  beforeAll(async () => {
    h = await startDingTalkHarness({ clock: true });
  }, 60_000);
  afterAll(async () => h?.close());

  async function rows(code: string) {
    const db = h.bot.database.db;
    const [r] = await db.select().from(receptions).where(eq(receptions.code, code));
    const [s] = r ? await db.select().from(settlements).where(eq(settlements.receptionId, r.id)) : [];
    return { r, s };
  }

  const latest = (user: string, title: string) => {
    const card = h.cardsTo(user, title).at(-1);
    if (!card) throw new Error(`${user} has no card ${title}`);
    return card;
  };

  async function approvedReception(): Promise<string> {
    await h.say('ou_staff1', '新建接待');
    const page = await h.openForm(latest('ou_staff1', '接待审批单'), '填写并提交审批');
    const done = await h.submitForm(page, '提交审批', validForm());
    const code = /JD-\d{4}-\d{4,}/.exec(done.html)?.[0];
    if (!code) throw new Error('request not submitted');
    for (const who of ['ou_head1', 'ou_office1', 'ou_leader1']) await h.tap(who, latest(who, `接待审批：${code}`), '同意');
    expect((await rows(code)).r.state).toBe('approved');
    return code;
  }

  it('runs 结算, an expense line, the invoice photo and both signatures and both audits to settled', async () => {
    h.setDay(0);
    const code = await approvedReception();
    h.setDay(11);
    await h.say('ou_staff1', `结算 ${code}`);
    const title = `接待结算：${code}`;
    expect(textOf(latest('ou_staff1', title))).toContain('省发展和改革委员会');

    // The expense line on the H5 form: a bad amount comes back next to its field, nothing stored.
    let page = await h.openForm(latest('ou_staff1', title), '填写并添加费用');
    expect(page.status).toBe(200);
    expect(page.options('category')).toEqual(['餐费', '住宿', '用车', '场地', '其他']);
    page = await h.submitForm(page, '添加费用', { ...meal, amount: '-5' });
    expect(page.html).toMatch(/金额/);
    expect(page.buttons).toContain('添加费用');
    page = await h.submitForm(page, '添加费用', meal);
    expect(page.html).toContain('450.00');
    expect(textOf(latest('ou_staff1', title))).toContain('450.00元');

    // The invoice photo: a picture message; the bot downloads it by its downloadCode.
    h.fake.addFile('dlc_invoice_1', PNG, 'image/png');
    await h.fake.say({ from: 'ou_staff1', msgtype: 'picture', content: { downloadCode: 'dlc_invoice_1' } });
    await h.settle();
    await h.settle();
    const docCard = latest('ou_staff1', `结算单据：${code}`);
    const docPage = await h.openForm(docCard, '填写并确定');
    const line = docPage.options('line').find((o) => o.startsWith('第1笔'))!;
    expect(line).toBeTruthy();
    const classified = await h.submitForm(docPage, '确定', { kind: '发票', line });
    expect(classified.html).toContain('发票（第1笔费用）');
    const { s } = await rows(code);
    const docs = await h.bot.database.db.query.settlementDocuments.findMany({ where: (d, { eq: e }) => e(d.settlementId, s.id) });
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ status: 'stored', kind: '发票', contentType: 'image/png' });
    expect(Buffer.from(docs[0].data!).equals(PNG)).toBe(true);

    // 双签: the handler's one tap, then the department head's.
    const mine = latest('ou_staff1', title);
    expect(textOf(mine)).not.toContain('未附发票');
    expect(buttonsOf(mine).map((b) => b.title)).toContain('签字');
    // 签字 asks first, as the Feishu card's confirm dialog does; nothing is signed until 确认.
    await h.tap('ou_staff1', mine, '签字');
    const ask = latest('ou_staff1', '签字确认');
    expect(textOf(ask)).toContain('合计450.00元');
    expect((await rows(code)).s.state).not.toBe('office_audit');
    const asked = h.messagesTo('ou_staff1').length;
    await h.tap('ou_staff1', ask, '确认');
    // The answer is the settlement card as it now stands, signed (one message; no toast text).
    const signed = h.messagesTo('ou_staff1').slice(asked);
    expect(signed).toHaveLength(1);
    expect(signed[0].msgParam.title).toBe(title);
    expect(textOf(signed[0])).toMatch(/经办人.*已签字/);
    // Someone else tapping the handler's 签字 is refused and changes nothing.
    const signedBefore = (await rows(code)).s.state;
    await h.tap('ou_staff2', mine, '签字');
    await h.tap('ou_staff2', latest('ou_staff2', '签字确认'), '确认');
    expect((await rows(code)).s.state).toBe(signedBefore);
    const headCard = latest('ou_head1', title);
    expect(textOf(headCard)).toContain('请您核对后签字');
    await h.tap('ou_head1', headCard, '签字');
    const headBefore = h.messagesTo('ou_head1').length;
    await h.tap('ou_head1', latest('ou_head1', '签字确认'), '确认');
    expect((await rows(code)).s.state).toBe('office_audit');
    // The question's 确认 answers for the card that asked: the head gets that card once, signed and
    // sent on to audit (not the domain's update of it and then the answer's).
    const headAfter = h.messagesTo('ou_head1').slice(headBefore);
    expect(headAfter).toHaveLength(1);
    expect(headAfter[0].msgParam.title).toBe(title);
    expect(textOf(headAfter[0])).toContain('您已签字（第二签字人）');

    // The office director's audit card offers 审核通过 as one tap.
    const audit = latest('ou_office1', title);
    await h.tap('ou_office1', audit, '审核通过');
    expect((await rows(code)).s.state).toBe('finance_audit');
    await h.tap('ou_fin1', latest('ou_fin1', title), '审核通过');
    const done = await rows(code);
    expect(done.s.state).toBe('settled');
    expect(done.r.state).toBe('settled');
    expect(textOf(latest('ou_staff1', title))).toContain('合计450.00元');
  });
});
