// Changes after approval (issue 5 §5): 变更 brings the approved request back as a form; the new facts
// are checked by the rules; open tasks move with the arrival date; the group is told; a change the
// rules flag goes back for approval, and the plan is not started twice.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receptions, tasks } from '../../src/db/schema/index.js';
import { COMMAND_NAMES } from '../../src/commands/commands.js';
import { buttonValue, cardText, titleOf, receptionSnapshot, hasButtons, shanghaiDate, startHarness, validForm, type Harness } from './approval-harness.js';

const STAFF1 = 'ou_staff1';
const STAFF2 = 'ou_staff2';
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function approved(form = validForm()): Promise<string> {
  const { code } = await h.submit(STAFF1, form);
  for (const who of ['ou_head1', 'ou_office1', 'ou_leader1']) expect((await h.act(who, code!, 'approve')).toast?.content).toBe('已同意');
  await h.settle();
  return code!;
}

async function changeForm(user: string, code: string) {
  const { card } = await h.ask(user, `变更 ${code}`);
  return card;
}

const dueDates = async (code: string) => {
  const db = h.bot.database.db;
  const [r] = await db.select().from(receptions).where(eq(receptions.code, code));
  return (await db.select().from(tasks).where(eq(tasks.receptionId, r.id))).map((t) => t.dueAt.getTime()).sort();
};

/** The people a card's 转交 picker offers. */
const transferOptions = (card: unknown): string[] => {
  const found: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const o = node as Record<string, unknown>;
    if (o.tag === 'select_person' && o.name === 'transfer_to') found.push(...(o.options as { value: string }[]).map((x) => x.value));
    Object.values(o).forEach(walk);
  };
  walk(card);
  return found;
};

const snapshot = (code: string) => receptionSnapshot(h.bot, code);

describe('changing an approved reception', () => {
  it('the 变更 form is a 接待变更单 that says before the tap which changes take effect at once and which go back for approval; 帮助 lists 变更, 指派 and every command', async () => {
    const code = await approved();
    const card = await changeForm(STAFF1, code);
    expect(titleOf(card)).toBe('接待变更单');
    const text = cardText(card);
    expect(text).toContain('提交即生效');
    expect(text).toContain('须重新审批');
    expect(text).toContain('提交变更');
    expect(text).not.toContain('接待审批单');
    expect(text).not.toContain('提交审批');
    expect(buttonValue(card, { action: 'request.change' }).code).toBe(code);

    const help = cardText((await h.ask(STAFF1, '帮助')).card);
    expect(help).toContain('**变更 接待编号**');
    expect(help).toContain('**指派 接待编号 任务 @某人**');
    for (const name of COMMAND_NAMES) expect(help, name).toContain(`**${name}`);
  }, 90_000);

  it('moves open tasks with the new dates and tells the group, without new approval', async () => {
    const code = await approved();
    const before = await dueDates(code);
    const card = await changeForm(STAFF1, code);
    expect(JSON.stringify(card)).toContain('request.change');
    const msg = h.cardsTo(STAFF1).at(-1)!;
    const day = `${shanghaiDate(12)} +0800`;
    const answer = await h.tap(STAFF1, msg.message_id, buttonValue(card, { action: 'request.change' }), validForm({ arrive_date: day, depart_date: day }));
    expect(answer.toast?.content).toBe('已变更');
    await h.settle();
    const after = await dueDates(code);
    expect(after.map((t, i) => t - before[i])).toEqual(before.map(() => 2 * 86_400_000));
    const group = h.fake.chats().find((c) => c.name?.startsWith(code))!;
    const told = h.fake.sent().filter((m) => m.receive_id === group.chat_id && JSON.stringify(m.content).includes('【接待变更】'));
    expect(told).toHaveLength(1);
    expect(JSON.stringify(told[0].content)).toContain('顺延2天');
  });

  it('sends a change the rules flag for approval, keeps the approved plan running, and applies it when approved', async () => {
    const code = await approved();
    const card = await changeForm(STAFF1, code);
    const msg = h.cardsTo(STAFF1).at(-1)!;
    const value = buttonValue(card, { action: 'request.change' });
    // A suite for a 县处级 guest needs a written reason（住宿规定）: first asked for, then sent for approval.
    const asked = await h.tap(STAFF1, msg.message_id, value, validForm({ lodging: '普通套间', rooms: '1' }));
    expect(asked.toast).toEqual({ type: 'warning', content: '变更有须说明理由的事项，请填写情况说明后再提交。' });
    const answer = await h.tap(STAFF1, msg.message_id, value, validForm({ lodging: '普通套间', rooms: '1', reason: '带队领导年事已高，需单独休息' }));
    expect(answer.toast?.content).toBe('已提交变更，待审批');
    await h.settle();
    const [waiting] = await h.bot.database.db.select().from(receptions).where(eq(receptions.code, code));
    expect(waiting).toMatchObject({ state: 'change_pending', form: expect.objectContaining({ lodging: '不安排' }) });
    const chatsBefore = h.fake.chats().length;
    expect((await h.act('ou_office1', code, 'approve')).toast?.content).toBe('已同意');
    // A finding that needs a reason also brings the principal leader in (policy approval.extra_level).
    expect((await h.act('ou_chief', code, 'approve')).toast?.content).toBe('已同意');
    await h.settle();
    const [r] = await h.bot.database.db.select().from(receptions).where(eq(receptions.code, code));
    expect(r).toMatchObject({ state: 'approved', pendingChange: null, form: expect.objectContaining({ lodging: '普通套间' }) });
    expect(h.fake.chats().length).toBe(chatsBefore);
    expect(h.textsTo(STAFF1).some((t) => t.includes(`接待${code}的变更已审批通过`))).toBe(true);
  });

  it('keeps the approved facts when a change is rejected or withdrawn', async () => {
    const code = await approved();
    const submitChange = async () => {
      const card = await changeForm(STAFF1, code);
      const msg = h.cardsTo(STAFF1).at(-1)!;
      return h.tap(STAFF1, msg.message_id, buttonValue(card, { action: 'request.change' }), validForm({ lodging: '普通套间', rooms: '1', reason: '需单独休息' }));
    };
    expect((await submitChange()).toast?.content).toBe('已提交变更，待审批');
    expect((await h.act('ou_office1', code, 'reject', { comment: '按标准间安排' })).toast?.content).toBe('已驳回');
    await h.settle();
    let [r] = await h.bot.database.db.select().from(receptions).where(eq(receptions.code, code));
    expect(r).toMatchObject({ state: 'approved', pendingChange: null, form: expect.objectContaining({ lodging: '不安排' }) });
    expect(h.textsTo(STAFF1).some((t) => t.includes('变更未获同意') && t.includes('按标准间安排'))).toBe(true);

    expect((await submitChange()).toast?.content).toBe('已提交变更，待审批');
    expect((await h.ask(STAFF1, `撤回 ${code}`)).text).toBe(`接待${code}的变更已撤回，原批准方案继续有效。`);
    [r] = await h.bot.database.db.select().from(receptions).where(eq(receptions.code, code));
    expect(r).toMatchObject({ state: 'approved', pendingChange: null });
    expect(h.openApprovalCard('ou_office1', code)).toBeUndefined();
  });

  it('sends a change that newly needs the principal leader to them too', async () => {
    const code = await approved();
    const card = await changeForm(STAFF1, code);
    const msg = h.cardsTo(STAFF1).at(-1)!;
    // 60 guests: the policy adds the principal leader from 50 up; 20 accompanying diners are within R8.
    const answer = await h.tap(STAFF1, msg.message_id, buttonValue(card, { action: 'request.change' }), validForm({ guest_count: '60', accompany_count: '20' }));
    expect(answer.toast?.content).toBe('已提交变更，待审批');
    expect((await h.act('ou_office1', code, 'approve')).toast?.content).toBe('已同意');
    let [r] = await h.bot.database.db.select().from(receptions).where(eq(receptions.code, code));
    expect(r.state).toBe('change_pending');
    expect((await h.act('ou_chief', code, 'approve')).toast?.content).toBe('已同意');
    [r] = await h.bot.database.db.select().from(receptions).where(eq(receptions.code, code));
    expect(r).toMatchObject({ state: 'approved', form: expect.objectContaining({ guest_count: 60 }) });
  });

  it('refuses a change the rules forbid, and changes nothing', async () => {
    const code = await approved();
    const card = await changeForm(STAFF1, code);
    const msg = h.cardsTo(STAFF1).at(-1)!;
    // 12 guests allow at most 4 accompanying diners（工作餐和陪餐规定）.
    const answer = await h.tap(STAFF1, msg.message_id, buttonValue(card, { action: 'request.change' }), validForm({ guest_count: '12', accompany_count: '6' }));
    expect(answer.toast).toEqual({ type: 'error', content: '不能变更：来访12人，陪餐最多4人，现为6人（工作餐和陪餐规定）' });
    const [r] = await h.bot.database.db.select().from(receptions).where(eq(receptions.code, code));
    expect(r).toMatchObject({ state: 'approved', form: expect.objectContaining({ guest_count: 5 }) });
  });

  it('refuses the proposer of a change as delegate or transfer target', async () => {
    const code = await approved(validForm({ guest_unit: '省外事办' }));
    // The office director goes on leave and 钱进 (office staff) stands in for her; 钱进 then proposes a change that needs approval.
    await h.say('ou_office1', `代理 @_user_1 至 ${shanghaiDate(30)}`, [{ openId: 'ou_office2', name: '钱进', key: '@_user_1' }]);
    expect(h.textsTo('ou_office1').at(-1)).toContain('已委托钱进代为审批');
    const card = await changeForm('ou_office2', code);
    const msg = h.cardsTo('ou_office2').at(-1)!;
    const asked = await h.tap('ou_office2', msg.message_id, buttonValue(card, { action: 'request.change' }), validForm({ guest_unit: '省外事办', lodging: '普通套间', rooms: '1', reason: '需单独休息' }));
    expect(asked.toast?.content).toBe('已提交变更，待审批');

    // The proposer gets no delegate's copy, and the director's card does not offer the proposer (nor the requester) for 转交.
    expect(h.openApprovalCard('ou_office2', code)).toBeUndefined();
    const own = h.openApprovalCard('ou_office1', code)!;
    const options = transferOptions(own.content);
    expect(options).not.toContain('ou_office2');
    expect(options).not.toContain(STAFF1);
    expect(options).toContain('ou_head2');

    const before = await snapshot(code);
    expect(before.r).toMatchObject({ state: 'change_pending', pendingChange: expect.objectContaining({ by: 'ou_office2' }), form: expect.objectContaining({ lodging: '不安排' }) });
    // As the director's delegate, the proposer cannot approve (or otherwise decide) their own change.
    for (const decision of ['approve', 'reject', 'return']) {
      const answer = await h.tap('ou_office2', own.message_id, buttonValue(own.content, { decision }), { comment: '理由' });
      expect(answer).toEqual({ toast: { type: 'error', content: '不能审批本人提出的变更。' } });
    }
    // Nor can the director hand it to them.
    const moved = await h.act('ou_office1', code, 'transfer', { transfer_to: 'ou_office2' });
    expect(moved).toEqual({ toast: { type: 'error', content: '不能转交给变更提出人本人审批。' } });
    expect(await snapshot(code)).toEqual(before);
    expect(before.steps.filter((s) => s.round === before.r.round)[0]).toMatchObject({ step: 1, approver: 'ou_office1', status: 'pending', actedBy: null });
    expect(hasButtons(h.fake.message(own.message_id)!.content)).toBe(true);
    expect(h.openApprovalCard('ou_office2', code)).toBeUndefined();

    // The director decides it herself.
    expect((await h.act('ou_office1', code, 'reject', { comment: '按标准间安排' })).toast?.content).toBe('已驳回');
    expect((await h.ask('ou_office1', '代理 取消')).text).toBe('已取消审批代理。');
  });

  it('refuses 变更 from someone who is neither the requester nor the office, and of a request not approved', async () => {
    const code = await approved();
    expect((await h.ask(STAFF2, `变更 ${code}`)).text).toContain('无权变更');
    const { code: pending } = await h.submit(STAFF1, validForm());
    expect((await h.ask(STAFF1, `变更 ${pending}`)).text).toContain('不是已批准状态');
  });
});
