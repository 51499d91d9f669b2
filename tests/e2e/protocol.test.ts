// Protocol end to end (docs/protocol.md): who hosts (对口、对等) on the approval card and in the
// handbook, the office changing it, the podium by kind, several tables for a large event, and the
// printable place-card page behind its signed link. Requests go through approval by signed webhook
// deliveries into the real bot; assertions read what the fake Feishu received.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardText, startHarness, titleOf, validForm, type Harness } from './approval-harness.js';

const STAFF1 = 'ou_staff1'; // 王小明, 招商局 (supervising leader 陈副主任, 县处级正职; principal 周主任, 厅局级副职)
const HEAD1 = 'ou_head1';
const OFFICE1 = 'ou_office1'; // 赵敏, reception office director
const LEADER1 = 'ou_leader1';

describe('protocol: 对口、对等, podiums by kind, several tables, place cards', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  async function approveAll(form: Record<string, unknown>, chain = [HEAD1, OFFICE1, LEADER1]): Promise<string> {
    const { code } = await h.submit(STAFF1, form);
    expect(code).toBeDefined();
    for (const who of chain) await h.act(who, code!, 'approve');
    return code!;
  }
  const groupOf = (code: string) => h.fake.chats().find((c) => c.name?.startsWith(code))!.chat_id;
  const handbooksIn = (chatId: string, code: string) =>
    h.fake.sent().filter((m) => m.chat_id === chatId && m.msg_type === 'interactive' && titleOf(m.content) === `接待手册：${code}`);
  const imagesIn = (chatId: string) => h.fake.sent().filter((m) => m.chat_id === chatId && m.msg_type === 'image');

  it('the approval card and the handbook name the proposed 主陪 with the reason: “陪同 对等或稍低一点”', async () => {
    const form = validForm({ guest_unit: '省商务厅', lead_name: '孙立', lead_title: '厅长', lead_rank: '厅局级正职', guest_count: '6', accompany_count: '3' });
    const { code } = await h.submit(STAFF1, form);
    const approval = cardText(h.openApprovalCard(HEAD1, code!)?.content);
    expect(approval).toContain('拟安排主陪**：周主任（主任）（对等：厅局级）');
    expect(approval).toContain('陪同人员**：陈副主任（副主任）、李建国（局长）');
    for (const who of [HEAD1, OFFICE1, LEADER1]) await h.act(who, code!, 'approve');
    const [handbook] = handbooksIn(groupOf(code!), code!);
    const text = cardText(handbook.content);
    expect(text).toContain('主陪：周主任（主任）（对等：厅局级）');
    expect(text).toContain('陪同：陈副主任（副主任）、李建国（局长）');
  });

  it('the office changes the 主陪 and 陪同 with 陪同 JD-… @…; the group gets the handbook again; others may not', async () => {
    const code = await approveAll(validForm({ guest_unit: '市科技局', lead_rank: '县处级正职', accompany_count: '2' }));
    const group = groupOf(code);
    expect(cardText(handbooksIn(group, code)[0].content)).toContain('主陪：陈副主任（副主任）（对口分管领导；对等：县处级）');

    const refused = await h.ask(STAFF1, `陪同 ${code} @吴副主任`);
    expect(refused.text).toBe('只有接待办可以调整主陪和陪同人员。');
    const tooMany = await h.ask(OFFICE1, `陪同 ${code} @吴副主任 @李建国 @钱进`);
    expect(tooMany.text).toBe(`接待${code}审批的陪餐人数为2人，本次指定了主陪和陪同共3人，未作变更。请减少人数，或发送“变更 ${code}”调整陪餐人数。`);
    expect(handbooksIn(group, code)).toHaveLength(1);

    const images = imagesIn(group).length;
    await h.say(OFFICE1, `陪同 ${code} @_user_1 @_user_2`, [
      { openId: 'ou_leader2', name: '吴副主任', key: '@_user_1' },
      { openId: HEAD1, name: '李建国', key: '@_user_2' },
    ]);
    expect(h.textsTo(OFFICE1).at(-1)).toBe(`已调整接待${code}的陪同安排。主陪：吴副主任（副主任）；陪同：李建国（局长）。接待手册和座次图已重新发送。`);
    const again = handbooksIn(group, code);
    expect(again).toHaveLength(2);
    const text = cardText(again[1].content);
    expect(text).toContain('主陪：吴副主任（副主任）（接待办指定（原建议：对口分管领导；对等：县处级））');
    expect(text).toContain('陪同：李建国（局长）');
    expect(text).toContain('工作餐座次图：10人桌，就座7人，主陪吴副主任，主宾张伟');
    expect(imagesIn(group).length).toBe(images + 2);

    const reset = await h.ask(OFFICE1, `陪同 ${code} 恢复建议`);
    expect(reset.text).toBe(`接待${code}已恢复系统建议（对口分管领导；对等：县处级）。主陪：陈副主任（副主任）；陪同：李建国（局长）。接待手册和座次图已重新发送。`);
  });

  it('the handbook of an approved 外事 reception shows the 以右为上 podium: “以右为上（遵循国际惯例…）”', async () => {
    const code = await approveAll(validForm({ guest_unit: '德国巴伐利亚州经济代表团', kind: '外事', lead_name: '施密特', lead_title: '团长', lead_rank: '厅局级副职', working_meal: '否', accompany_count: '0' }));
    const text = cardText(handbooksIn(groupOf(code), code)[0].content);
    expect(text).toContain('会议主席台座次图（2人，以右为上，外事活动按国际惯例）');
    expect(text).not.toContain('以左为上');
  });

  it('a 30-person 大型活动 gets several tables, the 主桌 first, each drawn; the place-card page prints them', async () => {
    const code = await approveAll(validForm({ guest_unit: '全省开发区工作现场会代表', kind: '大型活动', purpose: '出席会议', guest_count: '30', accompany_count: '10' }), [HEAD1, OFFICE1, LEADER1, 'ou_chief']); // 大型活动 goes to the principal too
    const group = groupOf(code);
    const handbook = handbooksIn(group, code)[0];
    const text = cardText(handbook.content);
    expect(text).toContain('第1桌（主桌）座次图：10人桌，就座10人，主陪陈副主任，主宾张伟');
    expect(text).toContain('第2桌（主桌右侧第一桌）座次图');
    expect(text).toContain('第3桌（主桌左侧第一桌）座次图');
    expect(text).toContain('桌次：共4桌，主桌居中');
    expect(text).not.toContain('分桌就餐');
    expect(imagesIn(group)).toHaveLength(5); // four tables and the podium

    const url = JSON.stringify(handbook.content).match(/http:\/\/[^"]+\/plans\/[^"]+\/place-cards[^"]*/)?.[0];
    expect(url).toBeTruthy();
    const base = new URL(h.bot.url);
    const local = (u: string) => Object.assign(new URL(u), { host: base.host }).toString();
    const page = await fetch(local(url!));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('第4桌（主桌右侧第二桌）');
    expect(html).toContain('席卡');
    expect(html).toContain('尊敬的张伟处长');
    const forged = await fetch(local(url!.replace(/sig=[^&]+/, 'sig=' + 'A'.repeat(43))));
    expect(forged.status).toBe(403);
  });
});
