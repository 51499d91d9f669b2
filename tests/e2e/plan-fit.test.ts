// The plan as the request and the calendar shape it, end to end through the fake Feishu: a visit
// approved on its day of arrival (or after it) sends no flood of reminders, and the checklist holds
// only what the request arranges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardText, shanghaiDate, titleOf, validForm } from './approval-harness.js';
import { addDays, shanghaiAt, startPlanHarness, type PlanHarness } from './plan-harness.js';

const STAFF1 = 'ou_staff1'; // 王小明, the requester
const HEAD1 = 'ou_head1';
const OFFICE1 = 'ou_office1'; // 赵敏, office director
const OFFICE2 = 'ou_office2'; // 钱进, office staff
const LEADER1 = 'ou_leader1';
const CHIEF = 'ou_chief'; // the principal leader (extra level)
const OFFICE_CHAT = 'oc_office';

/** Every "须于M月D日 HH:mm前" in a text, as instants (the year of `now`). */
function deadlinesNamed(text: string, now: Date): Date[] {
  const year = shanghaiDate(0, now).slice(0, 4);
  return [...text.matchAll(/须于(\d+)月(\d+)日 (\d\d:\d\d)前/g)].map((m) => shanghaiAt(`${year}-${m[1].padStart(2, '0')}-${m[2].padStart(2, '0')}`, m[3]));
}

describe('a plan shaped by the request and by how late it is approved', () => {
  let h: PlanHarness;
  beforeAll(async () => {
    h = await startPlanHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  async function approve(form: Record<string, unknown>) {
    const code = await h.submit(STAFF1, form);
    // The chain, and the principal leader where the request needs the extra level.
    for (const who of [HEAD1, OFFICE1, LEADER1, CHIEF]) {
      if ((await h.reception(code)).state !== 'pending') break;
      expect((await h.act(who, code, 'approve')).toast?.content).toBe('已同意');
    }
    expect((await h.reception(code)).state).toBe('approved');
    return code;
  }
  /** What the task reminders told a person about `code` (【任务…】 texts). */
  const textsOf = (user: string, code: string) => h.textsTo(user).filter((t) => t.includes(code) && t.startsWith('【任务'));
  /** No text about `code` sent since the last check names, as a deadline to meet, a time before `sentBy` (when it was sent). */
  const checked = new Set<string>();
  const noPastDeadline = (code: string, sentBy: Date) => {
    for (const m of h.fake.sent()) {
      const t = m.msg_type === 'text' ? (m.content as { text: string }).text : '';
      if (checked.has(m.message_id) || !t.includes(code)) continue;
      checked.add(m.message_id);
      for (const d of deadlinesNamed(t, sentBy)) expect(d.getTime(), t).toBeGreaterThan(sentBy.getTime() - 60_000);
    }
  };

  it('a visit approved on its day of arrival sends each task owner one catch-up message listing what is already late, the office one line, and no reminder naming a past deadline', async () => {
    const arrive = shanghaiDate(0);
    const approvedAt = new Date();
    const code = await approve(validForm({ guest_unit: '当日单位', arrive_date: `${arrive} +0800`, depart_date: `${arrive} +0800`, lodging: '标准间', rooms: '2' }));
    const tasks = await h.tasksOf(code);
    const late = tasks.filter((t) => t.dueAt.getTime() <= approvedAt.getTime());
    expect(late.length).toBeGreaterThanOrEqual(5);

    // Right after approval and a minute later: one message to each owner of a late task, none to the director.
    await h.tick(new Date(Date.now() + 60_000));
    await h.tick(new Date(Date.now() + 120_000));
    for (const owner of [STAFF1, OFFICE2]) {
      const got = textsOf(owner, code);
      expect(got, owner).toHaveLength(1);
      expect(got[0]).toMatch(new RegExp(`^【任务补办】接待${code}已批准，您负责的\\d+项任务时间已到或临近：\\n1\\. “`));
      for (const t of late.filter((x) => x.owner === owner)) expect(got[0]).toContain(`“${t.title}”原定`);
      expect(got[0]).toContain('批准时已过时限，请尽快补办。');
    }
    expect(h.textsTo(OFFICE1).filter((t) => t.includes(code) && t.startsWith('【逾期督办】'))).toEqual([]);
    const office = h.inChat(OFFICE_CHAT).filter((m) => m.msg_type === 'text' && (m.content as { text: string }).text.includes(code)).map((m) => (m.content as { text: string }).text);
    expect(office).toHaveLength(1);
    expect(office[0]).toContain(`其中${late.length}项批准时已过原定时限（`);
    expect(office[0]).toMatch(/已通知责任人尽快补办。$/);
    noPastDeadline(code, approvedAt);

    // Through the day: a task that was still ahead at approval is told overdue once at its deadline; no 【任务提醒】 names a past time.
    const ahead = tasks.filter((t) => t.dueAt.getTime() > approvedAt.getTime() && t.dueAt.getTime() < shanghaiAt(addDays(arrive, 1), '00:00').getTime());
    for (const t of ahead) {
      await h.tick(new Date(t.dueAt.getTime() + 60_000));
      noPastDeadline(code, new Date(t.dueAt.getTime() + 60_000));
      expect(textsOf(t.owner, code).filter((x) => x.startsWith('【任务逾期】') && x.includes(t.title))).toHaveLength(1);
    }
    for (const t of late) expect(h.textsTo(t.owner).filter((x) => x.startsWith('【任务逾期】') && x.includes(t.title) && x.includes(code))).toEqual([]);
    expect(h.textsTo(OFFICE1).filter((t) => t.includes(code) && t.startsWith('【逾期督办】'))).toHaveLength(ahead.filter((t) => t.owner !== OFFICE1).length);
  });

  it('a visit held yesterday and approved late: one catch-up message per owner, the settlement task still ahead', async () => {
    const arrive = shanghaiDate(-1);
    const approvedAt = new Date();
    const code = await approve(validForm({ guest_unit: '补办单位', arrive_date: `${arrive} +0800`, depart_date: `${arrive} +0800`, reason: '临时来访，事后补办审批' }));
    await h.tick(new Date(Date.now() + 60_000));
    for (const owner of [STAFF1, OFFICE2]) expect(textsOf(owner, code), owner).toHaveLength(1);
    expect(textsOf(OFFICE1, code)).toEqual([]);
    noPastDeadline(code, approvedAt);
    const settle = (await h.tasksOf(code)).find((t) => t.title.includes('结算'))!;
    expect(textsOf(STAFF1, code)[0]).not.toContain(settle.title);
  });

  it('a request with 住宿 不安排, 工作餐 否 and 0 vehicles gets no lodging, meal or vehicle task, and no room number in the greeting task', async () => {
    const code = await approve(validForm({ guest_unit: '简朴单位', lead_name: '周涛', lead_title: '副局长', lead_rank: '厅局级副职', lodging: '不安排', rooms: '0', working_meal: '否', accompany_count: '0', vehicles: '0' }));
    const titles = (await h.tasksOf(code)).map((t) => t.title);
    const checklist = h.fake.sent().find((m) => titleOf(m.content) === `接待方案：${code}`)!;
    const text = cardText(checklist.content);
    for (const word of ['饭店', '客房', '车辆', '菜单', '房间号']) {
      expect(titles.join('；')).not.toContain(word);
      expect(text).not.toContain(word);
    }
    expect(titles).toContain('发送温馨提示短信（联系人电话）');
    expect(titles).toContain('核实公函及来访行程');
  });

  it('the same visit with rooms, a working meal and two cars gets the hotel, the menu and the cars', async () => {
    const code = await approve(validForm({ guest_unit: '齐全单位', lead_name: '周涛', lead_title: '副局长', lead_rank: '厅局级副职', lodging: '标准间', rooms: '3', working_meal: '是', vehicles: '2' }));
    const titles = (await h.tasksOf(code)).map((t) => t.title);
    expect(titles).toEqual(expect.arrayContaining(['按审批单房型预订定点饭店客房', '安排集中乘车车辆', '确定工作餐菜单（家常菜、不上酒）', '发送温馨提示短信（联系人电话、房间号）']));
  });

  it('a 大型活动 gets its own plan: 工作专班, 车辆调度和会务, 安全保卫, 现场服务; a 外事 visit gets the foreign-affairs tasks', async () => {
    const big = await approve(validForm({ guest_unit: '峰会组委会', kind: '大型活动', purpose: '出席会议', guest_count: '120', accompany_count: '0', working_meal: '否' }));
    const bigTitles = (await h.tasksOf(big)).map((t) => t.title).join('；');
    for (const w of ['专班', '车辆调度和会务', '安全保卫', '现场服务']) expect(bigTitles).toContain(w);
    expect(bigTitles).not.toContain('布置会议室并提前15分钟到岗');
    const foreign = await approve(validForm({ guest_unit: '日本友好代表团', kind: '外事', purpose: '学习交流', letter_no: '外办函〔2026〕3号' }));
    const fTitles = (await h.tasksOf(foreign)).map((t) => t.title).join('；');
    for (const w of ['外事部门', '翻译', '宗教信仰', '宴请']) expect(fTitles).toContain(w);
  });
});
