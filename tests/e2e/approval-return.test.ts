// 退回修改 to any earlier level, and the policy's `resume: returner`, end to end through the fake Feishu.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundled } from '../../src/config.js';
import { auditLog } from '../../src/db/schema/index.js';
import type { App } from '../../src/app.js';
import { startFakeFeishu, type FakeFeishu } from '../fake-feishu/index.js';
import { startBot } from './start-bot.js';
import { buttonValue, cardText, hasButtons, receptionSnapshot, titleOf, validForm, webhookClient, type WebhookClient } from './approval-harness.js';

const STAFF1 = 'ou_staff1'; // 王小明, 招商局
const HEAD1 = 'ou_head1'; // 李建国
const OFFICE1 = 'ou_office1'; // 赵敏
const LEADER1 = 'ou_leader1'; // 陈副主任

/** The options of the card's 退回对象 select, as the approver reads them. */
function returnOptions(card: unknown): string[] {
  const m = /"name":"return_to".*?"options":(\[.*?\])/.exec(JSON.stringify(card));
  return m ? (JSON.parse(m[1]) as { value: string }[]).map((o) => o.value) : [];
}

describe('退回修改 to any level; resubmission straight back to the returner (resume: returner)', () => {
  let fake: FakeFeishu;
  let bot: App;
  let c: WebhookClient;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jd-return-'));
    const policy = path.join(dir, 'policy.yaml');
    const text = fs.readFileSync(bundled.policy, 'utf8').replace(/^  resume: start$/m, '  resume: returner');
    expect(text).toContain('resume: returner');
    fs.writeFileSync(policy, text);
    fake = await startFakeFeishu();
    bot = await startBot({ baseUrl: fake.url, mode: 'webhook', env: { POLICY_FILE: policy } });
    c = webhookClient(fake, bot);
  });
  afterAll(async () => {
    await bot?.close();
    await fake?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the third level returns it to the first: the department head approves again, then the chain climbs again', async () => {
    const { formMessageId, code } = await c.submit(STAFF1, validForm());
    await c.act(HEAD1, code!, 'approve');
    expect(returnOptions(c.openApprovalCard(OFFICE1, code!)!.content)).toEqual(['申请人', '第1级：部门负责人 李建国']);
    await c.act(OFFICE1, code!, 'approve');
    const third = c.openApprovalCard(LEADER1, code!)!;
    expect(returnOptions(third.content)).toEqual(['申请人', '第1级：部门负责人 李建国', '第2级：接待办主任 赵敏']);
    const headCards = c.approvalCardsFor(HEAD1, code!).length;
    const staffCards = c.cardsTo(STAFF1).length;

    const back = await c.act(LEADER1, code!, 'return', { comment: '请部门核实来访人数', return_to: '第1级：部门负责人 李建国' });
    expect(back.toast).toEqual({ type: 'success', content: '已退回第1级部门负责人李建国' });
    expect(hasButtons(back.card?.data)).toBe(false);
    expect(hasButtons(fake.message(third.message_id)!.content)).toBe(false);
    // The department head gets a new card, with who returned it and why; the levels after wait again.
    const again = c.approvalCardsFor(HEAD1, code!).slice(headCards);
    expect(again).toHaveLength(1);
    const text = cardText(again[0].content);
    expect(text).toContain('陈副主任将此审批退回您重新审批。');
    expect(text).toContain('理由：请部门核实来访人数');
    expect(text).toMatch(/1\. 部门负责人 李建国 【待审批】\n2\. 接待办主任 赵敏 【未开始】\n3\. 分管领导 陈副主任 【未开始】/);
    expect(cardText(c.patchesOf(formMessageId).at(-1))).toContain('审批中：等待部门负责人李建国审批');
    // The requester's request was not sent back to them.
    expect(c.cardsTo(STAFF1).slice(staffCards).filter((m) => titleOf(m.content) === '接待审批单')).toHaveLength(0);

    await c.act(HEAD1, code!, 'approve', { comment: '已核实' });
    await c.act(OFFICE1, code!, 'approve');
    const done = await c.act(LEADER1, code!, 'approve');
    expect(done.toast?.content).toBe('已同意');
    expect((await receptionSnapshot(bot, code!)).r.state).toBe('approved');

    const seen = c.messagesTo(STAFF1).length;
    await c.say(STAFF1, `查看 ${code}`);
    expect(cardText(c.messagesTo(STAFF1).slice(seen).at(-1)?.content)).toContain('陈副主任 （分管领导）退回修改至第1级李建国：请部门核实来访人数');
  });

  it('a return target that is not an earlier level is refused, and nothing changes', async () => {
    const { code } = await c.submit(STAFF1, validForm());
    await c.act(HEAD1, code!, 'approve');
    const before = await receptionSnapshot(bot, code!);
    for (const target of ['第2级：接待办主任 赵敏', '第3级：分管领导 陈副主任', '第9级', '部门负责人']) {
      const refused = await c.act(OFFICE1, code!, 'return', { comment: '请修改', return_to: target });
      expect(refused.toast).toEqual({ type: 'error', content: '只能退回申请人或本次审批中在您之前的层级，未作任何更改。' });
    }
    expect(await receptionSnapshot(bot, code!)).toEqual(before);
  });

  it('“resume: returner”: after 退回修改 to the requester, the resubmission goes straight to the level that returned it; the levels before keep their 同意', async () => {
    const { code } = await c.submit(STAFF1, validForm({ guest_unit: '省商务厅' }));
    await c.act(HEAD1, code!, 'approve', { comment: '同意上报' });
    const staffCards = c.cardsTo(STAFF1).length;
    await c.act(OFFICE1, code!, 'return', { comment: '请补充活动安排' });
    const form = c.cardsTo(STAFF1).slice(staffCards).find((m) => titleOf(m.content) === '接待审批单')!;
    expect(cardText(form.content)).toContain('修改后重新提交，将直接由赵敏审批。');
    const headCards = c.approvalCardsFor(HEAD1, code!).length;

    const again = await c.tap(STAFF1, form.message_id, buttonValue(form.content, { action: 'request.submit' }), { formValue: validForm({ guest_unit: '省商务厅', purpose_detail: '考察园区企业' }) });
    expect(again.toast).toEqual({ type: 'success', content: `已提交，接待编号${code}` });
    expect(cardText(again.card?.data)).toContain('审批中：等待接待办主任赵敏审批');
    expect(c.approvalCardsFor(HEAD1, code!)).toHaveLength(headCards);
    const card = c.openApprovalCard(OFFICE1, code!)!;
    expect(cardText(card.content)).toMatch(/1\. 部门负责人 李建国 【同意】：同意上报\n2\. 接待办主任 赵敏 【待审批】\n3\. 分管领导 陈副主任 【未开始】/);
    const [resubmit] = await bot.database.db.select().from(auditLog).where(and(eq(auditLog.entityId, code!), eq(auditLog.action, 'resubmit')));
    expect(resubmit.detail).toMatchObject({ round: 2, resumeAt: 2 });
  });
});
