// 批量同意 from 待办, end to end through the fake Feishu. With DATABASE_URL (npm run test:pg) the bot
// runs on that PostgreSQL server, where two taps of 同意所选 really race.
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/db/schema/index.js';
import type { App } from '../../src/app.js';
import { startFakeFeishu, type FakeFeishu } from '../fake-feishu/index.js';
import { startBot } from './start-bot.js';
import { createTestDatabase, type TestDatabase } from '../db/test-database.js';
import { buttonValue, buttonValues, cardText, checkers, hasButtons, receptionSnapshot, titleOf, validForm, webhookClient, type WebhookClient } from './approval-harness.js';

const STAFF1 = 'ou_staff1'; // 王小明, 招商局
const HEAD1 = 'ou_head1'; // 李建国
const OFFICE1 = 'ou_office1'; // 赵敏

describe(`批量同意 from 待办 (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let fake: FakeFeishu;
  let bot: App;
  let c: WebhookClient;
  let tdb: TestDatabase | undefined;
  beforeAll(async () => {
    fake = await startFakeFeishu();
    // A fresh database of its own on DATABASE_URL's server (dropped after), else an in-memory PGlite.
    if (process.env.DATABASE_URL) tdb = await createTestDatabase();
    bot = await startBot({ baseUrl: fake.url, mode: 'webhook', env: tdb?.url ? { DATABASE_URL: tdb.url } : {} });
    c = webhookClient(fake, bot);
  });
  afterAll(async () => {
    await bot?.close();
    await tdb?.drop();
    await fake?.close();
  });

  /** 待办 as HEAD1 reads it now: the card and its message. */
  const todo = async (who: string) => {
    const before = c.cardsTo(who).length;
    await c.say(who, '待办');
    return c.cardsTo(who).slice(before).at(-1)!;
  };
  const pick = (card: unknown, ...codes: string[]) =>
    Object.fromEntries(checkers(card).filter((x) => codes.some((code) => x.text.startsWith(code))).map((x) => [x.name, true]));
  const approvedBy = async (codes: string[]) =>
    bot.database.db.select().from(auditLog).where(and(inArray(auditLog.entityId, codes), eq(auditLog.action, 'approve')));

  it('one card, a checkbox each; 同意所选 approves each as if tapped alone; an item needing a reason cannot be selected; an item that moved meanwhile is reported', async () => {
    const a = (await c.submit(STAFF1, validForm({ guest_unit: '甲单位' }))).code!;
    const b = (await c.submit(STAFF1, validForm({ guest_unit: '乙单位' }))).code!;
    const moved = (await c.submit(STAFF1, validForm({ guest_unit: '丙单位' }))).code!;
    // 8 vehicles for 5 guests: R10 asks for a reason, so this one is read on its own card.
    const form = validForm({ guest_unit: '丁单位', vehicles: '8', reason: '两地分头考察，须分组乘车' });
    const reasoned = (await c.submit(STAFF1, form)).code!;
    expect(reasoned).toBeDefined();

    const card = await todo(HEAD1);
    expect(titleOf(card.content)).toBe('待办（4项）');
    const boxes = checkers(card.content);
    expect(boxes.map((x) => x.text.slice(0, 12))).toEqual([a, b, moved, reasoned]);
    expect(boxes.filter((x) => x.disabled).map((x) => x.text)).toEqual([`${reasoned} 丁单位，${validForm().arrive_date}到访：待部门负责人审批（有须说明理由的事项，请在审批卡上逐件审批）`.replace(' +0800', '')]);
    expect(buttonValues(card.content)).toHaveLength(1);

    // Meanwhile 丙单位 is approved on its own card.
    await c.act(HEAD1, moved, 'approve');
    const value = buttonValue(card.content, { action: 'approval.batch' });
    // A forged tick of the disabled item is refused by the server too.
    const answer = await c.tap(HEAD1, card.message_id, value, { formValue: { ...pick(card.content, a, b, moved), [boxes[3].name]: true } });
    expect(answer.toast).toEqual({ type: 'warning', content: '已同意2项，2项未办理' });
    expect(hasButtons(answer.card?.data)).toBe(false);
    const report = cardText(answer.card?.data);
    expect(report).toContain(`已同意2项**\n- ${a}（甲单位）\n- ${b}（乙单位）`);
    expect(report).toContain(`未办理2项**\n- ${moved}：该审批已处理（本级已同意）\n- ${reasoned}：有须说明理由的事项，请在审批卡上逐件审批`);

    // Each went on as after its own tap: the next level's card, the audit row, the item's own card closed.
    for (const code of [a, b]) {
      expect(c.openApprovalCard(OFFICE1, code)).toBeDefined();
      expect(c.openApprovalCard(HEAD1, code)).toBeUndefined();
      expect((await receptionSnapshot(bot, code)).steps.map((s) => s.status)).toEqual(['approved', 'pending', 'waiting']);
    }
    expect((await approvedBy([a, b, moved])).map((r) => r.actor)).toEqual([HEAD1, HEAD1, HEAD1]);
    expect(c.openApprovalCard(HEAD1, reasoned)).toBeDefined();
  });

  it('a double submission of 同意所选 approves each item once; the second answer reports them as handled', async () => {
    const x = (await c.submit(STAFF1, validForm({ guest_unit: '戊单位' }))).code!;
    const y = (await c.submit(STAFF1, validForm({ guest_unit: '己单位' }))).code!;
    const card = await todo(HEAD1);
    const value = buttonValue(card.content, { action: 'approval.batch' });
    const formValue = pick(card.content, x, y);
    expect(Object.keys(formValue)).toHaveLength(2);
    const answers = await Promise.all([c.tap(HEAD1, card.message_id, value, { formValue }), c.tap(HEAD1, card.message_id, value, { formValue })]);
    const texts = answers.map((ans) => ans.toast?.content).sort();
    expect(texts).toEqual(['已同意0项，2项未办理', '已同意2项']);
    expect(await approvedBy([x, y])).toHaveLength(2);
    for (const code of [x, y]) expect(c.approvalCardsFor(OFFICE1, code)).toHaveLength(1);
  });

  it('同意所选 with nothing ticked changes nothing', async () => {
    const card = await todo(HEAD1);
    const answer = await c.tap(HEAD1, card.message_id, buttonValue(card.content, { action: 'approval.batch' }), { formValue: {} });
    expect(answer.toast).toEqual({ type: 'warning', content: '请先勾选要同意的审批事项。' });
  });
});
