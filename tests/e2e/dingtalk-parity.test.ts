// DingTalk parity: what the reception office relies on besides the chain itself works through the
// DingTalk messenger too: the plan posted to the office group with the seating charts as images,
// the approval reminder, statistics, the ledger export as a file, and group etiquette (no answer
// unless @mentioned).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundled } from '../../src/config.js';
import { addWorkingHours } from '../../src/lib/working-time.js';
import { loadPolicy } from '../../src/rules/policy/load-policy.js';
import { validForm } from '../fixtures/request-form.js';
import { startDingTalkHarness, textOf, type DingTalkHarness } from '../fake-dingtalk/bot-harness.js';

describe('DingTalk: plan, reminders, statistics and export', () => {
  let h: DingTalkHarness;
  const policy = loadPolicy(bundled.policy);
  beforeAll(async () => {
    h = await startDingTalkHarness();
    // The test drives time itself: no background tick may run in between.
    await h.bot.scheduler.stop();
  }, 60_000);
  afterAll(async () => h?.close());

  async function file(unit: string): Promise<string> {
    await h.say('ou_staff1', '新建接待');
    const card = h.cardsTo('ou_staff1', '接待审批单').at(-1)!;
    const page = await h.openForm(card, '填写并提交审批');
    const done = await h.submitForm(page, '提交审批', validForm({ guest_unit: unit }));
    const code = /JD-\d{4}-\d{4,}/.exec(done.html)?.[0];
    if (!code) throw new Error('request not submitted');
    return code;
  }

  it('posts the approved plan to the office group, with the seating charts uploaded and sent as images', async () => {
    const code = await file('省商务厅');
    for (const who of ['ou_head1', 'ou_office1', 'ou_leader1']) await h.tap(who, h.cardsTo(who, `接待审批：${code}`).at(-1)!, '同意');
    await h.settle();
    const group = h.groupMessages('oc_office');
    expect(group.map(textOf).join('\n')).toContain(code);
    const images = h.fake.sent().filter((m) => m.msgKey === 'sampleImageMsg');
    expect(images.length).toBeGreaterThan(0);
    const uploaded = h.fake.uploads().filter((u) => u.type === 'image');
    expect(images.every((m) => uploaded.some((u) => u.mediaId === m.msgParam.photoURL))).toBe(true);
    expect(uploaded[0].bytes.subarray(1, 4).toString()).toBe('PNG');
  });

  it('reminds the approver by a one-to-one message once the working hours have passed', async () => {
    const submittedAt = new Date();
    const code = await file('省教育厅');
    const wh = { start: policy.reminders.working_hours.start, end: policy.reminders.working_hours.end, workdays: policy.reminders.workdays };
    const at = addWorkingHours(submittedAt, policy.reminders.approval_remind_after_hours, wh, 'Asia/Shanghai');
    await h.bot.scheduler.tick(new Date(at.getTime() + 60_000));
    await h.settle();
    expect(h.textsTo('ou_head1').some((t) => t.startsWith('【催办】') && t.includes(code))).toBe(true);
  });

  it('answers 统计 with the statistics card and 导出 with the ledger workbook as a file', async () => {
    const year = new Date().getFullYear();
    await h.say('ou_office1', `统计 ${year}`);
    expect(textOf(h.messagesTo('ou_office1').at(-1)!)).toMatch(/共接待 \d+ 批次/);
    await h.say('ou_office1', `导出 ${year}`);
    await h.settle();
    const file = h.messagesTo('ou_office1').filter((m) => m.msgKey === 'sampleFile').at(-1);
    expect(file?.msgParam.fileName).toMatch(/\.xlsx$/);
    expect(file?.msgParam.fileType).toBe('xlsx');
    const bytes = h.fake.uploads().find((u) => u.mediaId === file!.msgParam.mediaId)!.bytes;
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
  });

  it('answers 统计 asked in the office group privately, and tells the group only that it did', async () => {
    const year = new Date().getFullYear();
    const group = h.groupMessages('oc_office').length;
    const mine = h.messagesTo('ou_office1').length;
    await h.say('ou_office1', `统计 ${year}`, { group: true, conversationId: 'oc_office' });
    expect(h.groupMessages('oc_office').slice(group).map(textOf)).toEqual(['接待统计含各部门接待费用等内部信息，已单独发送给您，请在与接待助手的单聊中查看。']);
    const answer = h.messagesTo('ou_office1').slice(mine);
    expect(answer).toHaveLength(1);
    expect(answer[0].kind).toBe('user');
    expect(textOf(answer[0])).toMatch(/共接待 \d+ 批次/);
  });

  it('stays silent in a group unless @mentioned', async () => {
    const before = h.groupMessages('oc_office').length;
    const ack = await h.say('ou_office1', '帮助', { group: true, conversationId: 'oc_office', isInAtList: false, atUsers: [] });
    expect(ack.code).toBe(200);
    expect(h.groupMessages('oc_office').length).toBe(before);
  });
});
