// 代理 and 指派 name a person by "@名字" typed as text (DingTalk one-to-one, or a name typed instead
// of picked). The whole name counts: "@张伟华" is 张伟华 even though 张伟 is listed first and 张伟华
// starts with 张伟; a name two people share (刘芳 of 经济发展局 and 刘芳 of 办公室) is refused with
// the way to say whom, and nothing changes. Org file: tests/fixtures/org-names.yaml.
import path from 'node:path';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delegations } from '../../src/db/schema/index.js';
import { shanghaiDate, validForm } from './approval-harness.js';
import { startPlanHarness, type PlanHarness } from './plan-harness.js';

const ORG_FILE = path.resolve('tests/fixtures/org-names.yaml');
const AMBIGUOUS_LIU_FANG =
  '本单位人员名单中有2位同事名为“刘芳”（经济发展局、办公室），无法确定您所指的是哪一位，本次未作任何变更。请输入“@”后从人员列表中选择该同事，或在姓名后用括号注明部门（如“@刘芳（经济发展局）”），再重新发送。';

describe('代理 and 指派 to a person named by a typed "@名字"', () => {
  let h: PlanHarness;
  beforeAll(async () => {
    h = await startPlanHarness({ env: { ORG_FILE } });
  }, 60_000);
  afterAll(async () => h?.close());

  const activeDelegations = (principal: string) =>
    h.bot.database.db.select().from(delegations).where(and(eq(delegations.principal, principal), isNull(delegations.cancelledAt)));

  it('delegates to 张伟华, not 张伟, for 代理 @张伟华', async () => {
    const until = shanghaiDate(30);
    await h.say('ou_head1', `代理 @张伟华 至 ${until}`);
    expect(h.textsTo('ou_head1').at(-1)).toBe(`已委托张伟华代为审批，至${until}止。代理期间的审批记录将注明“张伟华（代李建国）”。`);
    expect((await activeDelegations('ou_head1')).map((d) => [d.delegate, d.until])).toEqual([['ou_zwh', until]]);
    expect(h.textsTo('ou_zwh').at(-1)).toBe(`李建国委托您代为审批接待申请，至${until}止。`);
    expect(h.textsTo('ou_head2')).toEqual([]);
  });

  it('delegates to 张伟 for 代理 @张伟, also when 至 follows the name without a space', async () => {
    const until = shanghaiDate(20);
    await h.say('ou_leader1', `代理 @张伟至${until}`);
    expect((await activeDelegations('ou_leader1')).map((d) => d.delegate)).toEqual(['ou_head2']);
    await h.say('ou_leader2', `代理 @张伟华至${until}`);
    expect((await activeDelegations('ou_leader2')).map((d) => d.delegate)).toEqual(['ou_zwh']);
  });

  it('refuses 代理 to a name two people share, and the delegation in force stays as it was', async () => {
    const before = await activeDelegations('ou_head1');
    expect(before.map((d) => d.delegate)).toEqual(['ou_zwh']);
    const rows = (await h.bot.database.db.select().from(delegations)).length;
    await h.say('ou_head1', `代理 @刘芳 至 ${shanghaiDate(40)}`);
    expect(h.textsTo('ou_head1').at(-1)).toBe(AMBIGUOUS_LIU_FANG);
    expect(await activeDelegations('ou_head1')).toEqual(before);
    expect((await h.bot.database.db.select().from(delegations)).length).toBe(rows);
    expect(h.textsTo('ou_staff2')).toEqual([]);
    expect(h.textsTo('ou_lf2')).toEqual([]);
  });

  it('delegates to the 刘芳 picked from the member list, or named with her department in brackets', async () => {
    const until = shanghaiDate(15);
    // A real @mention names one person, whatever the name.
    await h.say('ou_head1', `代理 @_user_1 至 ${until}`, [{ openId: 'ou_lf2', name: '刘芳', key: '@_user_1' }]);
    expect((await activeDelegations('ou_head1')).map((d) => d.delegate)).toEqual(['ou_lf2']);
    await h.say('ou_head2', `代理 @刘芳（经济发展局） 至 ${until}`);
    expect(h.textsTo('ou_head2').at(-1)).toBe(`已委托刘芳代为审批，至${until}止。代理期间的审批记录将注明“刘芳（代张伟）”。`);
    expect((await activeDelegations('ou_head2')).map((d) => d.delegate)).toEqual(['ou_staff2']);
    // A department neither 刘芳 is in does not say whom either.
    await h.say('ou_leader1', `代理 @刘芳（财政金融局） 至 ${until}`);
    expect(h.textsTo('ou_leader1').at(-1)).toBe(AMBIGUOUS_LIU_FANG);
    expect((await activeDelegations('ou_leader1')).map((d) => d.delegate)).toEqual(['ou_head2']);
  });

  it('assigns a task with 指派 … @张伟华 to 张伟华, and refuses 指派 to a name two people share', async () => {
    const code = await h.submit('ou_staff1', validForm({ guest_unit: '省统计局', arrive_date: `${shanghaiDate(10)} +0800`, depart_date: `${shanghaiDate(10)} +0800` }));
    // The delegations above make 张伟华 act for 李建国 and 张伟 for 陈副主任; either way the chain completes.
    for (const who of ['ou_head1', 'ou_office1', 'ou_leader1']) expect((await h.act(who, code, 'approve')).toast?.content).toBe('已同意');
    const cars = (await h.tasksOf(code)).find((t) => t.title.includes('车辆'))!;
    const owner = cars.owner;

    await h.say('ou_office1', `指派 ${code} 车辆 @刘芳`);
    expect(h.textsTo('ou_office1').at(-1)).toBe(AMBIGUOUS_LIU_FANG);
    expect((await h.tasksOf(code)).find((t) => t.id === cars.id)!.owner).toBe(owner);

    await h.say('ou_office1', `指派 ${code} 车辆 @张伟华`);
    expect(h.textsTo('ou_office1').at(-1)).toBe(`已将“${cars.title}”指派给张伟华。`);
    expect((await h.tasksOf(code)).find((t) => t.id === cars.id)!.owner).toBe('ou_zwh');
  });
});
