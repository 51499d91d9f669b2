// The reception plan after final approval, end to end: signed webhook deliveries into the real bot,
// the real Feishu SDK out to the fake Feishu, the scheduler driven by each test's `now`.
import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundled } from '../../src/config.js';
import { buildChecklist } from '../../src/rules/checks/checklist.js';
import { loadPolicy } from '../../src/rules/policy/load-policy.js';
import { startFakeFeishu, type FakeFeishu } from '../fake-feishu/index.js';
import { createTestDatabase, type TestDatabase } from '../db/test-database.js';
import { cardText, shanghaiDate, titleOf, validForm } from './approval-harness.js';
import { addDays, assignValue, doneValue, shanghaiAt, startPlanHarness, weekdayOf, type PlanHarness } from './plan-harness.js';

// People of config/org.example.yaml.
const STAFF1 = 'ou_staff1'; // 王小明, 招商局 (the requester)
const STAFF2 = 'ou_staff2'; // 刘芳, 经济发展局
const HEAD1 = 'ou_head1'; // 李建国, head of 招商局
const HEAD2 = 'ou_head2'; // 张伟, head of 经济发展局
const OFFICE1 = 'ou_office1'; // 赵敏, office director
const OFFICE2 = 'ou_office2'; // 钱进, office staff
const LEADER1 = 'ou_leader1'; // 陈副主任
const OFFICE_CHAT = 'oc_office';
const CHATS = 'POST /open-apis/im/v1/chats';

const policy = loadPolicy(bundled.policy);

/** A 公务 visit led by a 县处级 guest with rooms, a working meal and a car: the basic checklist of the policy. */
const expectedTasks = (arrive: string) =>
  buildChecklist(policy, { kind: '公务', lead_rank: '县处级正职', arrive_date: arrive, lodging: '标准间', working_meal: '是', vehicles: 1, guest_count: 5 });

/** The first workday on or after `date`. */
const workdayFrom = (date: string) => {
  let d = date;
  while (!policy.reminders.workdays.includes(weekdayOf(d))) d = addDays(d, 1);
  return d;
};

const formFor = (guestUnit: string, arrive: string, depart = arrive) =>
  validForm({ guest_unit: guestUnit, arrive_date: `${arrive} +0800`, depart_date: `${depart} +0800`, lodging: '标准间', rooms: '2' });

async function approveAll(h: PlanHarness, guestUnit: string, arrive = shanghaiDate(10)) {
  const code = await h.submit(STAFF1, formFor(guestUnit, arrive));
  for (const who of [HEAD1, OFFICE1, LEADER1]) expect((await h.act(who, code, 'approve')).toast?.content).toBe('已同意');
  return code;
}

/** The group of a reception: the fake's chat whose name carries the code. */
const groupsOf = (h: PlanHarness, code: string) => h.fake.chats().filter((c) => c.name?.startsWith(code));

/** The checklist and progress cards as first posted in the reception's group. */
function planCards(h: PlanHarness, code: string) {
  const [group] = groupsOf(h, code);
  const posted = h.inChat(group.chat_id);
  const checklist = posted.find((m) => titleOf(m.content) === `接待方案：${code}`);
  const progress = posted.find((m) => titleOf(m.content).startsWith(`${code} 办理进度`));
  if (!checklist || !progress) throw new Error(`plan cards of ${code} not posted in ${group.chat_id}`);
  return { group, checklist, progress };
}

/** The lines under a bold section title of a digest card ("**今日接待（2）**\n- …"). */
function section(card: unknown, title: string): string[] {
  const text = cardText(card);
  const at = text.indexOf(`**${title}（`);
  if (at < 0) return [];
  return text.slice(at).split('\n').slice(1).filter((l, i, all) => all.slice(0, i + 1).every((x) => x.startsWith('- '))).filter((l) => l.startsWith('- '));
}

const digestsOf = (h: PlanHarness, date: string) => h.inChat(OFFICE_CHAT).filter((m) => titleOf(m.content) === `接待工作日报 ${date}`);

describe('the reception plan after final approval', () => {
  let h: PlanHarness;
  beforeAll(async () => {
    h = await startPlanHarness();
    // A create call that outlives this timeout has its answer lost: the outbox must retry with the same uuid.
    lark.defaultHttpInstance.defaults.timeout = 1_500;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('creates one group even when the first create call answers too late, with the requester, the office and the task owners; posts the checklist and progress there; tells the office chat', async () => {
    const arrive = shanghaiDate(10);
    const code = await h.submit(STAFF1, formFor('甲单位', arrive));
    await h.act(HEAD1, code, 'approve');
    await h.act(OFFICE1, code, 'approve');
    // The first create reaches Feishu only after the SDK has given up on it.
    const slow = h.fake.inject({ route: CHATS, times: 1, fault: { delayMs: 3_000 } });
    await h.act(LEADER1, code, 'approve');
    await new Promise((r) => setTimeout(r, 3_500)); // the late first attempt lands too
    await h.settle();
    expect(slow.hits).toBe(1);

    const r = await h.reception(code);
    expect(r.groupRef).toBeTruthy();
    const creates = h.fake.requests.filter((q) => `${q.method} ${q.path}` === CHATS && q.body && JSON.stringify(q.body).includes(code));
    expect(creates.length).toBeGreaterThanOrEqual(2);
    expect(new Set(creates.map((q) => q.query.uuid))).toEqual(new Set([r.groupRef]));
    expect(creates.some((q) => q.duplicate)).toBe(true);

    const groups = groupsOf(h, code);
    expect(groups).toHaveLength(1);
    const tasks = await h.tasksOf(code);
    expect(tasks.map((t) => t.title)).toEqual(expect.arrayContaining(expectedTasks(arrive).map((t) => t.title)));
    expect(tasks).toHaveLength(expectedTasks(arrive).length);
    const members = [STAFF1, OFFICE1, OFFICE2, ...tasks.map((t) => t.owner)];
    expect(new Set(groups[0].members)).toEqual(new Set(members));

    const { group, checklist, progress } = planCards(h, code);
    for (const m of [checklist, progress]) expect(m).toMatchObject({ receive_id: group.chat_id, receive_id_type: 'chat_id', msg_type: 'interactive' });
    expect(titleOf(progress.content)).toBe(`${code} 办理进度：0/${tasks.length} 已完成`);
    expect(h.fake.pins()).toEqual([progress.message_id]);
    const text = cardText(checklist.content);
    for (const t of tasks) expect(text).toContain(t.title);
    expect(text).toContain('责任人：王小明');
    expect(text).toContain('责任人：钱进');
    // Each card is posted once, however often the group was asked for.
    expect(h.inChat(group.chat_id).filter((m) => titleOf(m.content) === `接待方案：${code}`)).toHaveLength(1);

    const notice = h.inChat(OFFICE_CHAT).filter((m) => m.msg_type === 'text' && (m.content as { text: string }).text.includes(code));
    expect(notice).toHaveLength(1);
    expect((notice[0].content as { text: string }).text).toMatch(new RegExp(`^【新批准接待】${code}：甲单位张伟处长一行5人，${arrive}来访，已建立接待工作群，方案共${tasks.length}项任务。$`));
  });

  it('retries a create call whose connection dropped with the same uuid: one group', async () => {
    const code = await h.submit(STAFF1, formFor('乙单位', shanghaiDate(10)));
    await h.act(HEAD1, code, 'approve');
    await h.act(OFFICE1, code, 'approve');
    const drop = h.fake.inject({ route: CHATS, times: 1, fault: { drop: true } });
    await h.act(LEADER1, code, 'approve');
    await h.settle();
    expect(drop.hits).toBe(1);
    const r = await h.reception(code);
    const creates = h.fake.requests.filter((q) => `${q.method} ${q.path}` === CHATS && JSON.stringify(q.body ?? {}).includes(code));
    expect(creates).toHaveLength(2);
    expect(creates.map((q) => q.query.uuid)).toEqual([r.groupRef, r.groupRef]);
    expect(groupsOf(h, code)).toHaveLength(1);
    const { checklist, progress } = planCards(h, code);
    expect(titleOf(checklist.content)).toBe(`接待方案：${code}`);
    expect(titleOf(progress.content)).toMatch(new RegExp(`^${code} 办理进度：0/\\d+ 已完成$`));
  });

  it('closes tasks by their owners with 完成 and patches the progress card; refuses a stranger and changes nothing', async () => {
    const code = await approveAll(h, '丙单位');
    const { checklist, progress } = planCards(h, code);
    const all = await h.tasksOf(code);
    const n = all.length;
    // Every task but the settlement one, which closes itself when the settlement is settled.
    const tasks = all.filter((t) => t.title !== '填写接待清单并办理结算');
    expect(tasks).toHaveLength(n - 1);
    const firstDone = doneValue(checklist.content, tasks[0].id);

    // Someone who is neither the owner nor the office.
    const patchesBefore = h.patchesOf(progress.message_id).length;
    const refused = await h.tap(HEAD2, checklist.message_id, doneValue(checklist.content, tasks[0].id));
    expect(refused.toast?.type).toBe('error');
    expect(refused.toast?.content).toContain('只有责任人');
    expect(refused.card).toBeUndefined();
    expect((await h.tasksOf(code)).every((t) => t.status === 'open')).toBe(true);
    expect(h.patchesOf(progress.message_id)).toHaveLength(patchesBefore);

    for (const [i, t] of tasks.entries()) {
      // The 用餐 task is completed with its form: the menu, the diners and the minutes.
      const meal = t.form === 'meal' ? { menu: '家常菜四菜一汤', diners: '8', minutes: '45' } : undefined;
      const answer = await h.tap(t.owner, checklist.message_id, doneValue(checklist.content, t.id), meal && { formValue: meal });
      expect(answer.toast).toEqual({ type: 'success', content: `已办结：${t.title}` });
      expect(titleOf(h.patchesOf(progress.message_id).at(-1))).toBe(`${code} 办理进度：${i + 1}/${n} 已完成`);
      // The tapped checklist answers without that task's button.
      expect(JSON.stringify(answer.card?.data)).not.toContain(`"task":${t.id}}`);
    }
    const after = (await h.tasksOf(code)).filter((t) => tasks.some((x) => x.id === t.id));
    expect(after.every((t) => t.status === 'done')).toBe(true);
    expect(after.map((t) => t.doneBy)).toEqual(tasks.map((t) => t.owner));
    expect(cardText(h.fake.message(progress.message_id)!.content)).toContain(`已完成 ${n - 1} 项，未完成 1 项`);

    // A second tap on a closed task changes nothing.
    const again = await h.tap(tasks[0].owner, checklist.message_id, firstDone);
    expect(again.toast?.type).toBe('info');
  });

  it('the 用餐 task asks for the menu, diners and minutes: 茅台 on the menu keeps it open, a 60-minute meal closes it with the finding on the task and the progress card', async () => {
    const code = await approveAll(h, '戊单位');
    const { checklist, progress } = planCards(h, code);
    const meal = (await h.tasksOf(code)).find((t) => t.form === 'meal')!;
    expect(meal.title).toContain('工作餐菜单');
    const formCard = JSON.stringify(checklist.content);
    for (const label of ['菜单（菜名及酒水）', '用餐人数（含陪餐）', '用餐时长（分钟）']) expect(formCard).toContain(label);

    // Bad input: nothing changes.
    const patches = h.patchesOf(progress.message_id).length;
    const empty = await h.tap(meal.owner, checklist.message_id, doneValue(checklist.content, meal.id), { formValue: { menu: '', diners: '八', minutes: '45' } });
    expect(empty.toast?.type).toBe('error');
    expect(empty.toast?.content).toContain('请填写菜单（菜名及酒水）');
    expect(empty.toast?.content).toContain('用餐人数（含陪餐）应为1至500之间的整数，现为「八」');
    expect((await h.tasksOf(code)).find((t) => t.id === meal.id)).toMatchObject({ status: 'open', record: null });
    expect(h.patchesOf(progress.message_id)).toHaveLength(patches);

    // R9: premium liquor keeps the task open, the finding on the checklist and the progress card.
    const refused = await h.tap(meal.owner, checklist.message_id, doneValue(checklist.content, meal.id), { formValue: { menu: '家常菜四菜一汤、茅台', diners: '8', minutes: '45' } });
    expect(refused.toast?.type).toBe('error');
    expect(refused.toast?.content).toContain('「茅台」');
    expect((await h.tasksOf(code)).find((t) => t.id === meal.id)?.status).toBe('open');
    expect(cardText(refused.card?.data)).toContain('【不得办理】本次用餐菜单含「茅台」');
    const progressText = cardText(h.patchesOf(progress.message_id).at(-1));
    expect(progressText).toContain('「茅台」');
    expect(progressText).not.toMatch(/meals\.|plan\.|cost_per_person/); // no setting or field names

    // A meal over the policy's 50 minutes closes with the finding shown（本地规定）.
    const done = await h.tap(meal.owner, checklist.message_id, doneValue(checklist.content, meal.id), { formValue: { menu: '家常菜四菜一汤', diners: '8', minutes: '60' } });
    expect(done.toast).toEqual({ type: 'warning', content: `已办结：${meal.title}；1项提示见任务卡片` });
    const after = (await h.tasksOf(code)).find((t) => t.id === meal.id)!;
    expect(after.status).toBe('done');
    expect(after.record?.meal).toEqual({ menu: '家常菜四菜一汤', diners: 8, minutes: 60 });
    expect(cardText(done.card?.data)).toContain('本次用餐计划60分钟，工作餐时长不超过50分钟（本地规定）');
    expect(cardText(h.patchesOf(progress.message_id).at(-1))).toContain('本次用餐计划60分钟，工作餐时长不超过50分钟');
  });

  it('the office closes a task for its owner', async () => {
    const code = await approveAll(h, '丁单位');
    const { checklist, progress } = planCards(h, code);
    const [t] = (await h.tasksOf(code)).filter((x) => x.owner === STAFF1);
    const answer = await h.tap(OFFICE1, checklist.message_id, doneValue(checklist.content, t.id));
    expect(answer.toast?.type).toBe('success');
    expect(titleOf(h.patchesOf(progress.message_id).at(-1))).toMatch(new RegExp(`^${code} 办理进度：1/\\d+ 已完成$`));
    expect(cardText(answer.card?.data)).toContain('赵敏办结');
  });

  it('改派 with the person select and with 指派 … @某人: the new owner is told, added to the group and reminded; bad assignments change nothing', async () => {
    const code = await approveAll(h, '戊单位');
    const { group, checklist } = planCards(h, code);
    const tasks = await h.tasksOf(code);
    const hotel = tasks.find((t) => t.title.includes('饭店'))!;
    const cars = tasks.find((t) => t.title.includes('车辆'))!;
    expect(hotel.owner).toBe(OFFICE2);

    // Someone outside the org: refused.
    const outside = await h.tap(OFFICE1, checklist.message_id, assignValue(checklist.content, hotel.id), { option: 'ou_stranger', tag: 'select_person' });
    expect(outside.toast).toEqual({ type: 'error', content: '指派对象不在本单位人员名单中。' });
    // Neither owner nor office: refused.
    const notYours = await h.tap(HEAD2, checklist.message_id, assignValue(checklist.content, hotel.id), { option: HEAD2, tag: 'select_person' });
    expect(notYours.toast?.type).toBe('error');
    expect((await h.tasksOf(code)).find((t) => t.id === hotel.id)!.owner).toBe(OFFICE2);

    const viaSelect = await h.tap(OFFICE1, checklist.message_id, assignValue(checklist.content, hotel.id), { option: HEAD1, tag: 'select_person' });
    expect(viaSelect.toast).toEqual({ type: 'success', content: '已改派给李建国' });
    expect((await h.tasksOf(code)).find((t) => t.id === hotel.id)!.owner).toBe(HEAD1);
    expect(h.textsTo(HEAD1).filter((x) => x.includes(code) && x.includes(hotel.title))).toEqual([`赵敏将接待${code}的任务“${hotel.title}”指派给您办理。`]);
    expect(cardText(h.fake.message(checklist.message_id)!.content)).toMatch(new RegExp(`${hotel.title}\\*\\*\\n责任人：李建国`));

    // 指派 by someone outside the office: refused.
    await h.say(STAFF1, `指派 ${code} 车辆 @_user_1`, [{ openId: STAFF2, name: '刘芳', key: '@_user_1' }]);
    expect(h.textsTo(STAFF1).at(-1)).toBe('只有接待办可以指派任务。');
    expect((await h.tasksOf(code)).find((t) => t.id === cars.id)!.owner).toBe(OFFICE2);

    await h.say(OFFICE1, `指派 ${code} 车辆 @_user_1`, [{ openId: STAFF2, name: '刘芳', key: '@_user_1' }]);
    expect(h.textsTo(OFFICE1).at(-1)).toBe(`已将“${cars.title}”指派给刘芳。`);
    expect((await h.tasksOf(code)).find((t) => t.id === cars.id)!.owner).toBe(STAFF2);
    expect(h.textsTo(STAFF2).filter((x) => x.includes(cars.title))).toHaveLength(1);
    // 指派 to the owner the task already has changes nothing: no new notice, no new reminders.
    const held = (await h.tasksOf(code)).find((t) => t.id === cars.id)!;
    await h.say(OFFICE1, `指派 ${code} 车辆 @_user_1`, [{ openId: STAFF2, name: '刘芳', key: '@_user_1' }]);
    expect(h.textsTo(OFFICE1).at(-1)).toBe(`“${cars.title}”的责任人已是刘芳，未作变更。`);
    expect((await h.tasksOf(code)).find((t) => t.id === cars.id)).toEqual(held);
    expect(h.textsTo(STAFF2).filter((x) => x.includes(cars.title))).toHaveLength(1);

    // The new owners can reach the checklist: they are members of the group.
    const members = h.fake.chats().find((c) => c.chat_id === group.chat_id)!.members;
    expect(members).toEqual(expect.arrayContaining([HEAD1, STAFF2]));

    // The reminder goes to the new owner, not the old one.
    const before = policy.reminders.task_remind_before_hours * 3_600_000;
    await h.tick(new Date(cars.dueAt.getTime() - before + 60_000));
    const remind = (user: string, t: { title: string }) => h.textsTo(user).filter((x) => x.startsWith('【任务提醒】') && x.includes(code) && x.includes(t.title));
    expect(remind(STAFF2, cars)).toHaveLength(1);
    expect(remind(OFFICE2, cars)).toEqual([]);
    expect(remind(HEAD1, hotel)).toHaveLength(1);
    expect(remind(OFFICE2, hotel)).toEqual([]);
  });

  it('reminds A again when a task comes back to A after B held it past the reminder time', async () => {
    const code = await approveAll(h, '子单位');
    const { checklist } = planCards(h, code);
    const hotel = (await h.tasksOf(code)).find((t) => t.title.includes('饭店'))!;
    expect(hotel.owner).toBe(OFFICE2);
    const handTo = async (to: string) => {
      const answer = await h.tap(OFFICE1, checklist.message_id, assignValue(checklist.content, hotel.id), { option: to, tag: 'select_person' });
      expect(answer.toast?.type).toBe('success');
    };
    const texts = (user: string, tag: string) => h.textsTo(user).filter((x) => x.startsWith(tag) && x.includes(code) && x.includes(hotel.title));
    const remindAt = hotel.dueAt.getTime() - policy.reminders.task_remind_before_hours * 3_600_000;

    await handTo(STAFF2); // A → B
    await h.tick(new Date(remindAt + 60_000)); // B is reminded; A's reminder comes due and says nothing
    expect(texts(STAFF2, '【任务提醒】')).toHaveLength(1);
    expect(texts(OFFICE2, '【任务提醒】')).toEqual([]);

    await handTo(OFFICE2); // B → A, after the reminder time
    await h.tick(new Date(remindAt + 120_000));
    await h.tick(new Date(remindAt + 180_000));
    expect(texts(OFFICE2, '【任务提醒】')).toHaveLength(1);
    expect(texts(STAFF2, '【任务提醒】')).toHaveLength(1);

    // At the deadline the task is A's: A is told once, B not at all.
    await h.tick(new Date(hotel.dueAt.getTime() + 60_000));
    expect(texts(OFFICE2, '【任务逾期】')).toHaveLength(1);
    expect(texts(STAFF2, '【任务逾期】')).toEqual([]);
  });

  it('reminds the owner a day before, then on the deadline tells the owner and escalates to the director, each once; nothing for a done task', async () => {
    const code = await approveAll(h, '己单位');
    const { checklist } = planCards(h, code);
    const tasks = await h.tasksOf(code);
    const [open, done] = tasks.filter((t) => t.owner === STAFF1);
    expect(open.dueAt.getTime()).toBeLessThan(done.dueAt.getTime());
    expect((await h.tap(STAFF1, checklist.message_id, doneValue(checklist.content, done.id))).toast?.type).toBe('success');

    const texts = (user: string, tag: string, t: { title: string }) => h.textsTo(user).filter((x) => x.startsWith(tag) && x.includes(code) && x.includes(t.title));
    const remindAt = open.dueAt.getTime() - policy.reminders.task_remind_before_hours * 3_600_000;

    await h.tick(new Date(remindAt - 60_000));
    expect(texts(STAFF1, '【任务提醒】', open)).toEqual([]);
    await h.tick(new Date(remindAt + 60_000));
    await h.tick(new Date(remindAt + 120_000));
    expect(texts(STAFF1, '【任务提醒】', open)).toHaveLength(1);
    expect(texts(STAFF1, '【任务提醒】', open)[0]).toMatch(new RegExp(`^【任务提醒】接待${code}：“${open.title}”须于\\d+月\\d+日 17:00前完成`));
    expect(texts(STAFF1, '【任务逾期】', open)).toEqual([]);

    await h.tick(new Date(open.dueAt.getTime() - 60_000));
    expect(texts(STAFF1, '【任务逾期】', open)).toEqual([]);
    await h.tick(new Date(open.dueAt.getTime() + 60_000));
    await h.tick(new Date(open.dueAt.getTime() + 3_600_000));
    expect(texts(STAFF1, '【任务逾期】', open)).toHaveLength(1);
    expect(texts(OFFICE1, '【逾期督办】', open)).toHaveLength(1);
    expect(texts(OFFICE1, '【逾期督办】', open)[0]).toContain('王小明负责的');
    expect(texts(STAFF1, '【任务提醒】', open)).toHaveLength(1);

    // The done task: past its reminder and its deadline, nothing.
    await h.tick(new Date(done.dueAt.getTime() + 60_000));
    for (const tag of ['【任务提醒】', '【任务逾期】']) expect(texts(STAFF1, tag, done), tag).toEqual([]);
    expect(texts(OFFICE1, '【逾期督办】', done)).toEqual([]);
  });

  it('at 08:00 on a workday posts one 接待工作日报 to the office chat: receptions today and tomorrow, tasks due, overdue, pending approvals', async () => {
    const day = workdayFrom(shanghaiDate(14));
    const today = await approveAll(h, '庚单位', day);
    const tomorrow = await approveAll(h, '辛单位', addDays(day, 1));
    const pending = await h.submit(STAFF1, formFor('壬单位', addDays(day, 7)));
    const todayTasks = await h.tasksOf(today);

    await h.tick(shanghaiAt(day, '07:59'));
    expect(digestsOf(h, day)).toEqual([]);
    await h.tick(shanghaiAt(day, '08:00'));
    await h.tick(shanghaiAt(day, '08:05'));
    const digests = digestsOf(h, day);
    expect(digests).toHaveLength(1);
    const d = digests[0].content;
    expect(cardText(d)).not.toContain('补发');
    expect(section(d, '今日接待').join('\n')).toContain(today);
    expect(section(d, '今日接待').join('\n')).not.toContain(tomorrow);
    expect(section(d, '明日接待').join('\n')).toContain(tomorrow);
    const dueToday = todayTasks.filter((t) => t.dueAt >= shanghaiAt(day, '08:00') && t.dueAt < shanghaiAt(addDays(day, 1), '00:00'));
    const overdue = todayTasks.filter((t) => t.dueAt < shanghaiAt(day, '08:00'));
    expect(dueToday.length).toBeGreaterThan(0);
    expect(overdue.length).toBeGreaterThan(0);
    for (const t of dueToday) expect(section(d, '今日到期任务')).toContainEqual(expect.stringContaining(`${today} ${t.title}`));
    for (const t of overdue) expect(section(d, '逾期任务')).toContainEqual(expect.stringContaining(`${today} ${t.title}`));
    expect(section(d, '待审批')).toContainEqual(`- ${pending} 待部门负责人李建国审批`);
    // Not a workday: no digest.
    const saturday = (() => {
      let x = addDays(day, 1);
      while (weekdayOf(x) !== 6) x = addDays(x, 1);
      return x;
    })();
    if (!policy.reminders.workdays.includes(6)) {
      await h.tick(shanghaiAt(saturday, '08:30'));
      expect(digestsOf(h, saturday)).toEqual([]);
    }
  });

  it('a digest missed while the bot was down is sent once on the first tick, marked 补发', async () => {
    const day = workdayFrom(shanghaiDate(40));
    await h.tick(shanghaiAt(day, '10:30'));
    await h.tick(shanghaiAt(day, '10:35'));
    const digests = digestsOf(h, day);
    expect(digests).toHaveLength(1);
    const text = cardText(digests[0].content);
    expect(text).toContain('补发');
    expect(text).toContain('10:30');
  });
});

describe('two bot instances on one database', () => {
  const url = process.env.DATABASE_URL;
  let fake: FakeFeishu;
  let tdb: TestDatabase | undefined;
  let a: PlanHarness;
  let b: PlanHarness;
  beforeAll(async () => {
    if (!url) return;
    fake = await startFakeFeishu();
    tdb = await createTestDatabase();
    a = await startPlanHarness({ fake, env: { DATABASE_URL: tdb.url! } });
    b = await startPlanHarness({ fake, env: { DATABASE_URL: tdb.url! } });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await tdb?.drop();
    await fake?.close();
  });

  // PGlite is one process's database: two instances need a PostgreSQL server (DATABASE_URL).
  it.skipIf(!url)('tick at the same moment: one digest, one reminder per task (needs DATABASE_URL: two instances cannot share a PGlite database)', async () => {
    const code = await approveAll(a, '癸单位');
    const tasks = await a.tasksOf(code);
    const day = workdayFrom(shanghaiDate(3));
    const at = shanghaiAt(day, '08:00');
    await Promise.all([a.bot.scheduler.tick(at), b.bot.scheduler.tick(at)]);
    await Promise.all([a.settle(), b.settle()]);
    expect(fake.sent().filter((m) => m.receive_id === OFFICE_CHAT && titleOf(m.content) === `接待工作日报 ${day}`)).toHaveLength(1);

    // Both instances tick together a minute before each deadline (a reminder that runs after its
    // deadline is not sent: it would name a past time as one to meet), then after the last one.
    for (const due of [...new Set(tasks.map((t) => t.dueAt.getTime()))].sort((x, y) => x - y)) {
      const before = new Date(due - 60_000);
      await Promise.all([a.bot.scheduler.tick(before), b.bot.scheduler.tick(before)]);
    }
    const later = new Date(Math.max(...tasks.map((t) => t.dueAt.getTime())) + 60_000);
    await Promise.all([a.bot.scheduler.tick(later), b.bot.scheduler.tick(later), a.bot.scheduler.tick(later), b.bot.scheduler.tick(later)]);
    await Promise.all([a.settle(), b.settle()]);
    for (const t of tasks) {
      const of = (tag: string, user: string) => fake.sent().filter((m) => m.receive_id === user && m.msg_type === 'text' && (m.content as { text: string }).text.startsWith(tag) && (m.content as { text: string }).text.includes(`${code}：“${t.title}”`));
      expect(of('【任务提醒】', t.owner), t.title).toHaveLength(1);
      expect(of('【任务逾期】', t.owner), t.title).toHaveLength(1);
    }
  });
});
