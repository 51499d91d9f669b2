// 取消接待, end to end: an approved reception called off through signed webhook deliveries into the
// real bot, with the leaders' calendars and the 审批 center on (FEISHU_CALENDAR_SYNC,
// FEISHU_APPROVAL_SYNC), the real SDK out to the fake Feishu: what the group, the requester and the
// approvers read, the calendar v4 DELETEs and the center's instance on the wire, the reminders that
// no longer come, 查看, statistics; and every refusal, which changes nothing.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundled } from '../../src/config.js';
import { guestVisits, ledgerEntries, receptions } from '../../src/db/schema/index.js';
import { loadPolicy } from '../../src/rules/policy/load-policy.js';
import { computeStatistics } from '../../src/statistics/statistics.js';
import { cancelReason } from '../../src/approval/cancel/cancel-reception.js';
import { FAKE_PRIMARY_CALENDAR } from '../fake-feishu/index.js';
import { buttonValue, cardText, shanghaiDate, titleOf, validForm } from './approval-harness.js';
import { addDays, shanghaiAt, startPlanHarness, type PlanHarness } from './plan-harness.js';

const STAFF1 = 'ou_staff1'; // 王小明, 招商局: the requester
const STAFF2 = 'ou_staff2'; // 刘芳, 经济发展局: not in the chain, not the office
const HEAD1 = 'ou_head1'; // 李建国
const OFFICE1 = 'ou_office1'; // 赵敏, office director
const OFFICE2 = 'ou_office2'; // 钱进, office staff
const LEADER1 = 'ou_leader1'; // 陈副主任
const CHAIN = [HEAD1, OFFICE1, LEADER1];
const EVENTS = `/open-apis/calendar/v4/calendars/${FAKE_PRIMARY_CALENDAR}/events`;
const REASON = '来宾行程调整，本次来访取消';
const policy = loadPolicy(bundled.policy);

let h: PlanHarness;
beforeAll(async () => {
  h = await startPlanHarness({ env: { FEISHU_CALENDAR_SYNC: 'on', FEISHU_APPROVAL_SYNC: 'on' } });
});
afterAll(async () => {
  await h?.close();
});

async function approved(form = validForm()): Promise<string> {
  const code = await h.submit(STAFF1, form);
  for (const who of CHAIN) expect((await h.act(who, code, 'approve')).toast?.content).toBe('已同意');
  await h.settle();
  return code;
}

const mark = () => h.fake.requests.length;
const since = (from: number) => h.fake.requests.filter((r) => r.seq > from);
const live = (code: string) => h.fake.calendarEvents().filter((e) => e.summary.includes(code) && !e.deleted);
const groupOf = (code: string) => h.fake.chats().find((c) => c.name?.startsWith(code))!;
const lastText = (user: string) => h.textsTo(user).at(-1);
const year = (code: string) => Number(code.slice(3, 7));
const batches = async (y: number) => (await computeStatistics(h.bot.database.db, policy, { from: `${y}-01-01`, to: `${y}-12-31`, label: `${y}年` })).total.batches;

describe('取消接待 of an approved reception', () => {
  it('reads the reason after the code, with or without 理由：', () => {
    expect(cancelReason(`JD-2026-0001 理由：${REASON}`)).toBe(REASON);
    expect(cancelReason(`JD-2026-0001 ${REASON}`)).toBe(REASON);
    expect(cancelReason('JD-2026-0001')).toBe('');
    expect(cancelReason('JD-2026-0001 理由：')).toBe('');
  });

  it('by the office: the group, the requester and every approver told, tasks cancelled, events deleted, the center instance 已撤回, 查看 says who, when and why', async () => {
    const arrive = shanghaiDate(10);
    const code = await approved();
    const y = year(code);
    const counted = await batches(y);
    expect(live(code)).toHaveLength(3);
    const { chat_id: group } = groupOf(code);
    const progress = h.inChat(group).find((m) => titleOf(m.content).startsWith(`${code} 办理进度`))!;
    const checklist = h.inChat(group).find((m) => titleOf(m.content) === `接待方案：${code}`)!;
    const open = (await h.tasksOf(code)).filter((t) => t.status === 'open');
    expect(open.length).toBeGreaterThan(0);

    const from = mark();
    await h.say(OFFICE2, `取消接待 ${code} 理由：${REASON}`);
    expect(lastText(OFFICE2)).toBe(`接待${code}已取消。未办结的${open.length}项任务已随之取消，已通知接待工作群及相关人员。`);
    const groupTexts = h.inChat(group).filter((m) => m.msg_type === 'text').map((m) => (m.content as { text: string }).text);
    expect(groupTexts).toContain(`【接待取消】接待${code}已取消：${REASON}（钱进）`);
    expect(h.textsTo(STAFF1)).toContain(`您提交的接待${code}（省发展和改革委员会）已由钱进取消。理由：${REASON}`);
    for (const who of CHAIN) expect(h.textsTo(who)).toContain(`您审批同意的接待${code}（省发展和改革委员会）已由钱进取消。理由：${REASON}`);

    // The state, the audit, the tasks; out of the ledger and the guest history.
    const r = await h.reception(code);
    expect(r.state).toBe('cancelled');
    expect((await h.tasksOf(code)).filter((t) => open.some((o) => o.id === t.id)).map((t) => t.status)).toEqual(open.map(() => 'cancelled'));
    const db = h.bot.database.db;
    expect(await db.select().from(ledgerEntries).where(eq(ledgerEntries.receptionId, r.id))).toEqual([]);
    expect(await db.select().from(guestVisits).where(eq(guestVisits.receptionId, r.id))).toEqual([]);
    expect(await batches(y)).toBe(counted - 1);

    // The pinned progress card and the checklist say so; the checklist has no 完成 button left.
    expect(titleOf(h.patchesOf(progress.message_id).at(-1))).toBe(`${code} 接待已取消`);
    const list = h.patchesOf(checklist.message_id).at(-1)!;
    expect(cardText(list)).toContain('本接待已取消');
    expect(cardText(list)).toContain('【已取消】');
    expect(JSON.stringify(list)).not.toContain('task.done');

    // Every leader's event deleted (the leader told); the center's instance 已撤回 with no task waiting.
    const deletes = since(from).filter((q) => q.method === 'DELETE' && q.path.startsWith(`${EVENTS}/`));
    expect(deletes.map((q) => [q.status, q.query.need_notification])).toEqual([[200, 'true'], [200, 'true'], [200, 'true']]);
    expect(live(code)).toEqual([]);
    const instance = h.fake.approvalCenter().instances.get(code)!;
    expect(instance.status).toBe('CANCELED');
    expect(instance.tasks.filter((t) => t.status === 'PENDING')).toEqual([]);

    // 查看 and 我的接待.
    await h.say(STAFF1, `查看 ${code}`);
    const view = cardText(h.messagesTo(STAFF1).at(-1)!.content);
    expect(view).toContain('已取消');
    expect(view).toMatch(new RegExp(`\\d{2}/\\d{2} \\d{2}:\\d{2} 钱进 取消接待：${REASON}`));
    await h.say(STAFF1, '我的接待');
    expect(cardText(h.messagesTo(STAFF1).at(-1)!.content)).toContain(`${code}** 省发展和改革委员会 ${arrive}：已取消`);

    // No reminder, overdue notice, digest line or review for it afterwards.
    const quiet = h.fake.sent().length;
    const before = policy.reminders.task_remind_before_hours * 3_600_000;
    const times = open.flatMap((t) => [t.dueAt.getTime() - before + 60_000, t.dueAt.getTime() + 60_000, t.dueAt.getTime() + 3_600_000]).sort((a, b) => a - b);
    for (const t of times) await h.tick(new Date(t));
    await h.tick(shanghaiAt(arrive, '08:00'));
    await h.tick(shanghaiAt(addDays(arrive, 1), '09:01'));
    const after = h.fake.sent().slice(quiet).filter((m) => JSON.stringify(m.content).includes(code));
    expect(after.map((m) => JSON.stringify(m.content).slice(0, 120))).toEqual([]);

    // Final: a second 取消接待, 变更, 结算 and 手册 refuse.
    expect((await ask(OFFICE1, `取消接待 ${code} ${REASON}`))).toBe(`接待${code}已取消，无需重复操作。`);
    expect(await ask(STAFF1, `变更 ${code}`)).toBe(`接待${code}已取消，不能变更。`);
    expect(await ask(STAFF1, `结算 ${code}`)).toBe(`接待${code}已取消，无需结算。`);
    expect(await ask(STAFF1, `手册 ${code}`)).toBe(`接待${code}已取消，不再生成接待手册。`);
  }, 120_000);

  it('with a change awaiting approval: by the requester, the change goes too, its approval card closed and its center instance 已撤回', async () => {
    const code = await approved();
    await h.say(STAFF1, `变更 ${code}`);
    const form = h.messagesTo(STAFF1).filter((m) => m.msg_type === 'interactive').at(-1)!;
    const answer = await h.tap(STAFF1, form.message_id, buttonValue(form.content, { action: 'request.change' }), { formValue: validForm({ lodging: '普通套间', rooms: '1', reason: '带队领导需单独休息' }) });
    expect(answer.toast?.content).toBe('已提交变更，待审批');
    await h.settle();
    const r0 = await h.reception(code);
    expect(r0.state).toBe('change_pending');
    const changeCards = h.fake.sent().filter((m) => m.receive_id === OFFICE1 && titleOf(m.content) === `接待审批：${code}`);
    const changeCard = changeCards.at(-1)!;

    await h.say(STAFF1, `取消接待 ${code} ${REASON}`);
    expect(lastText(STAFF1)).toMatch(new RegExp(`^接待${code}已取消。`));
    const r = await h.reception(code);
    expect(r).toMatchObject({ state: 'cancelled', pendingChange: null, form: expect.objectContaining({ lodging: '不安排' }) });
    expect(h.textsTo(OFFICE1)).toContain(`接待${code}（省发展和改革委员会）已由王小明取消，待您审批的变更无需审批。理由：${REASON}`);
    expect(h.textsTo(HEAD1)).toContain(`您审批同意的接待${code}（省发展和改革委员会）已由王小明取消。理由：${REASON}`);
    const closed = h.patchesOf(changeCard.message_id).at(-1)!;
    expect(cardText(closed)).toContain('接待已由王小明取消，变更无需审批');
    expect(JSON.stringify(closed)).not.toContain('approval.act');
    const center = h.fake.approvalCenter().instances;
    expect(center.get(`${code}-C${r.round}`)?.status).toBe('CANCELED');
    expect(center.get(code)?.status).toBe('CANCELED');
    // No 【接待变更未生效】: the group reads the cancellation only.
    const texts = h.inChat(groupOf(code).chat_id).filter((m) => m.msg_type === 'text').map((m) => (m.content as { text: string }).text);
    expect(texts.filter((t) => t.includes('变更未生效'))).toEqual([]);
    expect(texts).toContain(`【接待取消】接待${code}已取消：${REASON}（王小明）`);
  }, 120_000);
});

async function ask(user: string, text: string): Promise<string | undefined> {
  await h.say(user, text);
  return lastText(user);
}

describe('取消接待 refused, nothing changed', () => {
  it('no reason, a stranger, a pending request, a reception in settlement: each told why; the state, tasks, ledger and events stay', async () => {
    const code = await approved();
    const db = h.bot.database.db;
    const snapshot = async () => {
      const r = await h.reception(code);
      return { state: r.state, updatedAt: r.updatedAt, tasks: (await h.tasksOf(code)).map((t) => t.status), ledger: (await db.select().from(ledgerEntries).where(eq(ledgerEntries.receptionId, r.id))).length, events: live(code).length };
    };
    const before = await snapshot();
    const sent = h.fake.sent().length;

    expect(await ask(STAFF1, `取消接待 ${code}`)).toBe(`请写明取消理由，例如：取消接待 ${code} 来宾行程调整，本次来访取消`);
    expect(await ask(STAFF1, '取消接待')).toBe('请在“取消接待”后写明接待编号，例如：取消接待 JD-2026-0042');
    expect(await ask(STAFF2, `取消接待 ${code} ${REASON}`)).toBe(`未找到接待${code}，或您无权取消。取消接待由申请人或接待办办理。`);
    expect(await ask(HEAD1, `取消接待 ${code} ${REASON}`)).toBe(`未找到接待${code}，或您无权取消。取消接待由申请人或接待办办理。`);
    expect(await ask(OFFICE1, `取消接待 JD-2026-9999 ${REASON}`)).toBe(`未找到接待JD-2026-9999，或您无权取消。取消接待由申请人或接待办办理。`);
    expect(await snapshot()).toEqual(before);
    // Only the answers to the askers went out: nothing to the group, the requester or a leader.
    expect(h.fake.sent().slice(sent).map((m) => m.receive_id).sort()).toEqual(['oc_p2p_ou_head1', 'oc_p2p_ou_office1', 'oc_p2p_ou_staff1', 'oc_p2p_ou_staff1', 'oc_p2p_ou_staff2'].sort());

    // Settlement started (结算中, 已结算): no longer called off.
    for (const state of ['settling', 'settled'] as const) {
      await db.update(receptions).set({ state }).where(eq(receptions.code, code));
      expect(await ask(OFFICE1, `取消接待 ${code} ${REASON}`)).toBe(`接待${code}已进入结算，不能取消。`);
      expect((await h.reception(code)).state).toBe(state);
    }
    expect(live(code)).toHaveLength(3);

    // A request still climbing the chain is withdrawn, not cancelled.
    const pending = await h.submit(STAFF1, validForm());
    expect(await ask(STAFF1, `取消接待 ${pending} ${REASON}`)).toBe(`接待申请${pending}尚未审批完成，不能取消；如不再办理，请由申请人发送“撤回 ${pending}”。`);
    expect((await h.reception(pending)).state).toBe('pending');
  }, 120_000);
});
