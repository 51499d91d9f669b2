// The handbook (接待手册) and guest history (客史档案) end to end: requests driven through approval
// by signed webhook deliveries into the real bot, and what the fake Feishu received.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardText, startHarness, titleOf, validForm, type Harness } from './approval-harness.js';

const STAFF1 = 'ou_staff1'; // 王小明, 招商局, phone 13800000001
const STAFF2 = 'ou_staff2'; // 刘芳, 经济发展局: not involved in 招商局 requests
const HEAD1 = 'ou_head1';
const OFFICE1 = 'ou_office1';
const LEADER1 = 'ou_leader1';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('the reception handbook and guest history', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  async function approveAll(form: Record<string, unknown>): Promise<string> {
    const { code } = await h.submit(STAFF1, form);
    expect(code).toBeDefined();
    for (const who of [HEAD1, OFFICE1, LEADER1]) await h.act(who, code!, 'approve');
    return code!;
  }

  const imageKeysOf = (messages: { msg_type: string; content: unknown }[]) =>
    messages.filter((m) => m.msg_type === 'image').map((m) => (m.content as { image_key: string }).image_key);
  const pngsOf = (keys: string[]) => keys.map((k) => h.fake.uploads().find((u) => u.key === k)?.bytes);

  it('after final approval the reception group gets the handbook card and the seating charts as PNG images', async () => {
    const code = await approveAll(
      validForm({ guest_unit: '市交通运输局', lead_name: '周涛', lead_title: '副局长', lead_rank: '厅局级副职', guest_count: '6', lodging: '标准间', rooms: '3', purpose_detail: '考察园区智慧交通项目并座谈', notes: '一位清真饮食' }),
    );
    const chat = h.fake.chats().find((c) => c.name?.startsWith(code));
    expect(chat).toBeDefined();
    const inGroup = h.fake.sent().filter((m) => m.chat_id === chat!.chat_id);
    const handbook = inGroup.find((m) => m.msg_type === 'interactive' && titleOf(m.content) === `接待手册：${code}`);
    expect(handbook).toBeDefined();
    const text = cardText(handbook!.content);
    expect(text).toContain('考察园区智慧交通项目并座谈');
    expect(text).toContain('王小明');
    expect(text).toContain('13800000001');
    expect(text).toContain('赵敏');
    expect(text).toContain('标准间3间');
    expect(text).toContain('一位清真饮食');
    // 厅局级副职 meets the default greeting rank: the 温馨提示 names the contact, phone and room type.
    expect(text).toMatch(/温馨提示[\s\S]*尊敬的周涛副局长[\s\S]*王小明[\s\S]*13800000001[\s\S]*标准间/);
    const keys = imageKeysOf(inGroup);
    expect(keys).toHaveLength(2); // the working-meal table and the podium
    for (const png of pngsOf(keys)) expect(png?.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  });

  it('手册 JD-… answers the requester with the card and the images, and refuses someone not involved', async () => {
    const code = await approveAll(validForm({ guest_unit: '县农业农村局', working_meal: '否', accompany_count: '0' }));
    const before = h.messagesTo(STAFF1).length;
    await h.say(STAFF1, `手册 ${code}`);
    const answer = h.messagesTo(STAFF1).slice(before);
    const card = answer.find((m) => m.msg_type === 'interactive');
    expect(titleOf(card?.content)).toBe(`接待手册：${code}`);
    expect(cardText(card!.content)).not.toContain('温馨提示'); // 县处级 is below the greeting rank
    const keys = imageKeysOf(answer);
    expect(keys).toHaveLength(1); // no working meal: the podium only
    expect(pngsOf(keys)[0]?.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);

    const refused = await h.ask(STAFF2, `手册 ${code}`);
    expect(refused.text).toBe(`未找到接待${code}，或您无权查看其接待手册。`);
    expect(imageKeysOf(h.messagesTo(STAFF2))).toHaveLength(0);
  });

  it('a second visit from the same unit shows the history and the repeat-visit finding on the approval card, and pre-fills the notes', async () => {
    const first = await approveAll(validForm({ guest_unit: '省生态环境厅', lead_name: '孙立', lead_title: '处长', purpose: '检查指导', notes: '带队领导对海鲜过敏' }));
    const form = await h.ask(STAFF1, '新建接待 省生态环境厅孙处长一行4人来检查指导');
    expect(cardText(form.card)).toContain('带队领导对海鲜过敏');

    const { code, answer } = await h.submit(STAFF1, validForm({ guest_unit: '省生态环境厅', lead_name: '孙立', lead_title: '处长', purpose: '考察调研' }));
    expect(code).toBeDefined();
    const status = cardText(answer.card?.data);
    expect(status).toContain('客史档案');
    expect(status).toContain(first);
    const approval = h.openApprovalCard(HEAD1, code!);
    const text = cardText(approval?.content);
    expect(text).toMatch(new RegExp(`省生态环境厅此前来访1次：${first}`));
    expect(text).toContain('饮食禁忌及偏好（客史）：带队领导对海鲜过敏');
    expect(text).toMatch(new RegExp(`【提示】重复性考察：省生态环境厅已于\\d{4}-\\d{2}-\\d{2}来访检查指导（${first}）`));
    expect(text).toContain('**饮食禁忌等**：带队领导对海鲜过敏'); // notes pre-filled from history
  });
});
