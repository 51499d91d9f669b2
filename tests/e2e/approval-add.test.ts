// 加签 before and after, end to end through the fake Feishu, with every rule of the chain still holding.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardText, hasButtons, receptionSnapshot, startHarness, validForm, type Harness } from './approval-harness.js';

const STAFF1 = 'ou_staff1'; // 王小明, 招商局
const HEAD1 = 'ou_head1'; // 李建国
const OFFICE1 = 'ou_office1'; // 赵敏
const OFFICE2 = 'ou_office2'; // 钱进
const LEADER1 = 'ou_leader1'; // 陈副主任
const LEADER2 = 'ou_leader2'; // 吴副主任
const BEFORE = '前加签（先由其审批，再回到我）';
const AFTER = '后加签（我同意后再由其审批）';

const progress = (card: unknown) => cardText(card).split('**审批进度**\n')[1]?.split('\n').filter((l) => /^\d+\. /.test(l)).join('\n');

describe('加签', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('前加签: the added person approves first, then the card comes back to the one who added them; the chain, the status card and 查看 show it', async () => {
    const { formMessageId, code } = await h.submit(STAFF1, validForm());
    await h.act(HEAD1, code!, 'approve');
    const added = await h.act(OFFICE1, code!, 'add', { comment: '请接待科先核标准', add_person: OFFICE2, add_where: BEFORE });
    expect(added.toast).toEqual({ type: 'success', content: '已加签钱进' });
    expect(hasButtons(added.card?.data)).toBe(false);
    expect(h.openApprovalCard(OFFICE1, code!)).toBeUndefined();

    const card = h.openApprovalCard(OFFICE2, code!)!;
    expect(cardText(card.content)).toContain('赵敏请您先行审批（前加签），您审批后将回到赵敏。');
    expect(progress(card.content)).toBe('1. 部门负责人 李建国 【同意】\n2. 加签审批人 钱进 【待审批】\n3. 接待办主任 赵敏 【未开始】\n4. 分管领导 陈副主任 【未开始】');
    expect(cardText(h.patchesOf(formMessageId).at(-1))).toContain('审批中：等待加签审批人钱进审批');

    await h.act(OFFICE2, code!, 'approve', { comment: '符合标准' });
    const back = h.openApprovalCard(OFFICE1, code!)!;
    expect(progress(back.content)).toBe('1. 部门负责人 李建国 【同意】\n2. 加签审批人 钱进 【同意】：符合标准\n3. 接待办主任 赵敏 【待审批】\n4. 分管领导 陈副主任 【未开始】');
    await h.act(OFFICE1, code!, 'approve');
    await h.act(LEADER1, code!, 'approve');
    expect((await receptionSnapshot(h.bot, code!)).r.state).toBe('approved');

    const seen = h.messagesTo(STAFF1).length;
    await h.say(STAFF1, `查看 ${code}`);
    expect(cardText(h.messagesTo(STAFF1).slice(seen).at(-1)?.content)).toContain('赵敏 （接待办主任）加签（前加签钱进）：请接待科先核标准');
  });

  it('后加签: the approver’s 同意 is recorded and the added person is the next level', async () => {
    const { code } = await h.submit(STAFF1, validForm());
    const done = await h.act(HEAD1, code!, 'add', { comment: '涉及经发局事项，请吴副主任把关', add_person: LEADER2, add_where: AFTER });
    expect(done.toast).toEqual({ type: 'success', content: '已同意' });
    const card = h.openApprovalCard(LEADER2, code!)!;
    expect(progress(card.content)).toBe('1. 部门负责人 李建国 【同意】：涉及经发局事项，请吴副主任把关\n2. 加签审批人 吴副主任 【待审批】\n3. 接待办主任 赵敏 【未开始】\n4. 分管领导 陈副主任 【未开始】');
    expect(h.openApprovalCard(OFFICE1, code!)).toBeUndefined();
    await h.act(LEADER2, code!, 'approve');
    expect(h.openApprovalCard(OFFICE1, code!)).toBeDefined();
  });

  it('refuses 加签 of the requester, of someone already in the round, of someone outside the org, or without a reason; nothing changes', async () => {
    const { code } = await h.submit(STAFF1, validForm());
    await h.act(HEAD1, code!, 'approve');
    const before = await receptionSnapshot(h.bot, code!);
    const cases: [Record<string, unknown>, string][] = [
      [{ comment: '请核', add_person: STAFF1, add_where: BEFORE }, '不能加签申请人本人审批。'],
      [{ comment: '请核', add_person: HEAD1, add_where: AFTER }, '李建国已在本次审批中承担其他层级，不能加签。'],
      [{ comment: '请核', add_person: LEADER1, add_where: BEFORE }, '陈副主任已在本次审批中承担其他层级，不能加签。'],
      [{ comment: '请核', add_person: 'ou_stranger', add_where: BEFORE }, '加签人不在本单位人员名单中，未作任何更改。'],
      [{ comment: '请核', add_where: BEFORE }, '加签须选择加签人。'],
      [{ comment: '', add_person: OFFICE2, add_where: BEFORE }, '加签须在“意见”中填写理由。'],
      [{ comment: '请核', add_person: OFFICE2, add_where: '中间加签' }, '加签方式无效，未作任何更改。'],
    ];
    for (const [form, message] of cases) {
      const refused = await h.act(OFFICE1, code!, 'add', form);
      expect(refused.toast).toEqual({ type: 'error', content: message });
    }
    expect(await receptionSnapshot(h.bot, code!)).toEqual(before);
    expect(h.openApprovalCard(OFFICE2, code!)).toBeUndefined();
  });
});
