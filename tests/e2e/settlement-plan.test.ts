// The settlement and the plan meet, end to end through the fake Feishu: the plan's settlement task
// shows where the settlement stands and closes itself when it is settled (no early 完成); every copy
// of the settlement card anyone received shows the final state; 查看's 办理记录 lists the settlement's
// steps in Chinese.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonValues, titleOf } from './approval-harness.js';
import { cardText, startSettlementHarness, type SettlementHarness } from './settlement-harness.js';

const meal = { category: '餐费', amount: '450', persons: '8', payee: '园区职工食堂', invoice_no: '04600001', payment: '公务卡', items: '工作餐（家常菜）' };
const SETTLE_TASK = '填写接待清单并办理结算';

describe('the settlement and the plan', () => {
  let h: SettlementHarness;
  beforeAll(async () => {
    h = await startSettlementHarness();
  }, 60_000);
  afterAll(async () => h?.close());

  /** The checklist card of a reception as it now stands (the last patch of the posted card). */
  const checklist = (code: string) => {
    const m = h.fake.sent().find((x) => titleOf(x.content) === `接待方案：${code}`);
    if (!m) throw new Error(`no checklist for ${code}`);
    return { message: m, card: h.fake.message(m.message_id)!.content };
  };

  it('the settlement task cannot be ticked 完成, shows the settlement state, closes itself when settled; every settlement card copy ends 已结算; 办理记录 lists both signatures and each audit', async () => {
    h.setDay(0);
    const code = await h.approvedReception();
    let plan = checklist(code);
    expect(cardText(plan.card)).toContain('结算：尚未发起（结算办结后此项自动完成）');
    // No 完成 button for it; a forged tap is refused and changes nothing.
    const db = h.bot.database.db;
    const { tasks, receptions } = await import('../../src/db/schema/index.js');
    const { eq } = await import('drizzle-orm');
    const [r] = await db.select().from(receptions).where(eq(receptions.code, code));
    const task = (await db.select().from(tasks).where(eq(tasks.receptionId, r.id))).find((t) => t.title === SETTLE_TASK)!;
    expect(buttonValues(plan.card).some((v) => v.action === 'task.done' && v.task === task.id)).toBe(false);
    const early = await h.tap('ou_staff1', plan.message.message_id, { action: 'task.done', code, task: task.id }, {});
    expect(early.toast).toEqual({ type: 'error', content: `“${SETTLE_TASK}”在接待${code}的结算办结后自动完成，请发送“结算 ${code}”办理。` });
    expect((await db.select().from(tasks).where(eq(tasks.id, task.id)))[0].status).toBe('open');

    h.setDay(11);
    await h.say('ou_staff1', `结算 ${code}`);
    expect(cardText(checklist(code).card)).toContain('结算：填报中');
    await h.addLine('ou_staff1', code, meal);
    await h.sendDocument('ou_staff1');
    await h.classify('ou_staff1', code, '发票', 1);
    await h.press('ou_staff1', code, 'settlement.sign');
    await h.press('ou_head1', code, 'settlement.sign');
    expect(cardText(checklist(code).card)).toContain('结算：待接待办审核');
    await h.press('ou_office1', code, 'settlement.audit', { comment: '' }, (v) => v.decision === 'pass');
    expect(cardText(checklist(code).card)).toContain('结算：待财务审核');
    await h.press('ou_fin1', code, 'settlement.audit', { comment: '' }, (v) => v.decision === 'pass');
    await h.settle();

    plan = checklist(code);
    expect(cardText(plan.card)).toMatch(new RegExp(`【已完成】\\*\\*${SETTLE_TASK}\\*\\*`));
    expect((await db.select().from(tasks).where(eq(tasks.id, task.id)))[0].status).toBe('done');

    // Every copy of the settlement card anyone received now says 已结算, none 待…审核.
    const copies = h.fake.sent().filter((m) => titleOf(m.content) === `接待结算：${code}`);
    expect(copies.length).toBeGreaterThanOrEqual(4);
    for (const m of copies) {
      const now = cardText(h.fake.message(m.message_id)!.content);
      expect(now, m.receive_id).not.toMatch(/待接待办审核|待财务审核|填报中/);
      expect(now, m.receive_id).toContain('已结算');
    }

    // 办理记录: the settlement's steps, by name, in Chinese.
    const { card } = await h.ask('ou_office1', `查看 ${code}`);
    const history = cardText(card).split('**办理记录**')[1] ?? '';
    for (const line of ['王小明 发起结算', '王小明 在结算上签字（经办人）', '李建国 在结算上签字（第二签字人）', '赵敏 接待办审核通过', '孙会计 财务审核通过', '孙会计 结算办结']) expect(history).toContain(line);
    expect(history).not.toMatch(/[a-z]+_[a-z]+|settle|audit/);
  }, 180_000);
});
