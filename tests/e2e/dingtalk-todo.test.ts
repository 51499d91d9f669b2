// DingTalk 待办 (DINGTALK_TODO_SYNC=on), end to end through the fake DingTalk: each approval level
// waiting on someone is a 待办 in that person's own list (todo 1.0, called as them by unionId, looked
// up from the staff id), closed when they act, removed when the request is withdrawn. DingTalk failing
// never holds an approval up. With the switch off, nothing reaches 待办.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../../src/chat/outbox.js';
import { validForm } from '../fixtures/request-form.js';
import { approveAs, fileRequest, startDingTalkHarness, type DingTalkHarness } from '../fake-dingtalk/bot-harness.js';
import { unionIdOf } from '../fake-dingtalk/work-routes.js';

const CHAIN = ['ou_head1', 'ou_office1', 'ou_leader1'];
const TASKS = (staffId: string) => `/v1.0/todo/users/${unionIdOf(staffId)}/tasks`;

const file = (h: DingTalkHarness, form = validForm()) => fileRequest(h, form);

describe('DingTalk 待办: each level waiting on someone is a 待办 of theirs', () => {
  let h: DingTalkHarness;
  beforeAll(async () => {
    h = await startDingTalkHarness({ env: { DINGTALK_TODO_SYNC: 'on' } });
  }, 60_000);
  afterAll(async () => h?.close());

  const todoCalls = (from = 0) => h.fake.workCalls().slice(from).filter((c) => c.path.startsWith('/v1.0/todo/'));
  const openFor = (code: string) => h.fake.todos().filter((t) => t.subject.includes(code) && !t.done && !t.deleted).map((t) => t.owner);

  let code: string;
  it('a submitted request becomes a 待办 of the level-1 approver, created as them, titled by the request and the level, opening the bot’s page', async () => {
    const from = h.fake.workCalls().length;
    code = await file(h);
    // The staff id is mapped to the unionId the todo API names people by.
    expect(h.fake.workCalls().slice(from).filter((c) => c.path === '/topapi/v2/user/get').map((c) => c.body.userid)).toContain('ou_head1');
    const [create] = todoCalls(from);
    expect(create.method).toBe('POST');
    expect(create.path).toBe(TASKS('ou_head1'));
    expect(create.query.operatorId).toBe(unionIdOf('ou_head1'));
    const url = `https://jiedai.example.gov.cn/dingtalk/todo?code=${code}`;
    expect(create.body).toMatchObject({
      creatorId: unionIdOf('ou_head1'),
      executorIds: [unionIdOf('ou_head1')],
      detailUrl: { appUrl: url, pcUrl: url },
      isOnlyShowExecutor: true,
    });
    expect(create.body.sourceId).toMatch(new RegExp(`^jiedai:${code}:\\d+-ou_head1$`));
    expect(create.body.subject).toBe(`【待审批】接待申请 ${code}（部门负责人审批）：省发展和改革委员会（处长张伟），5人，${String(validForm().arrive_date).slice(0, 10)}`);
    expect(todoCalls(from)).toHaveLength(1);
    expect(openFor(code)).toEqual(['union_ou_head1']);

    // The page the 待办 opens says where to act, in the bot's chat.
    const page = await fetch(`${h.bot.url}/dingtalk/todo?code=${code}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`接待申请 ${code} 正等待您审批`);
    expect(html).toContain('与“接待助手”的单聊');
  });

  it('同意 marks the approver’s 待办 done (PUT done: true, as them) and gives the next level theirs; the final approval leaves none open', async () => {
    const from = h.fake.workCalls().length;
    const mine = h.fake.todos().find((t) => t.subject.includes(code) && t.owner === unionIdOf('ou_head1'))!;
    await approveAs(h, 'ou_head1', code);
    const calls = todoCalls(from);
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([`PUT ${TASKS('ou_head1')}/${mine.id}`, `POST ${TASKS('ou_office1')}`]);
    expect(calls[0].body).toEqual({ done: true });
    expect(calls[0].query.operatorId).toBe(unionIdOf('ou_head1'));
    expect(calls[1].body.subject).toContain('（接待办主任审批）');
    expect(openFor(code)).toEqual(['union_ou_office1']);

    await approveAs(h, 'ou_office1', code);
    expect(openFor(code)).toEqual(['union_ou_leader1']);
    await approveAs(h, 'ou_leader1', code);
    expect(openFor(code)).toEqual([]);
    const mineAll = h.fake.todos().filter((t) => t.subject.includes(code));
    expect(mineAll.map((t) => [t.owner, t.done])).toEqual(CHAIN.map((p) => [unionIdOf(p), true]));
  });

  it('撤回 removes the open 待办 from the approver’s list (DELETE as its owner)', async () => {
    const c2 = await file(h, validForm({ guest_unit: '省商务厅' }));
    const open = h.fake.todos().find((t) => t.subject.includes(c2))!;
    const from = h.fake.workCalls().length;
    await h.say('ou_staff1', `撤回 ${c2}`);
    await h.settle();
    expect(todoCalls(from).map((c) => `${c.method} ${c.path}`)).toEqual([`DELETE ${TASKS('ou_head1')}/${open.id}`]);
    expect(h.fake.todos().find((t) => t.id === open.id)?.deleted).toBe(true);
    expect(openFor(c2)).toEqual([]);
  });

  it('DingTalk answering 500 holds nothing up: the approval card goes out, and the 待办 is made on the outbox’s next try, once', async () => {
    h.fake.failNext('/v1.0/todo/users/*', 500, { code: 'todo.taskCreate.systemError', message: '创建待办系统内部异常' });
    const c3 = await file(h, validForm({ guest_unit: '省教育厅' }));
    expect(h.cardsTo('ou_head1', `接待审批：${c3}`)).toHaveLength(1);
    const creates = todoCalls().filter((c) => c.method === 'POST' && String(c.body.subject).includes(c3));
    expect(creates).toHaveLength(1); // the failed try never reached the fake's store
    expect(openFor(c3)).toEqual(['union_ou_head1']);
    expect(h.logLines.some((l) => l.includes('todo') && l.includes('500'))).toBe(true);
  });

  it('a create whose answer was lost is not made twice: the sourceId DingTalk already has names the same 待办', async () => {
    // The 待办 exists; the bot's record of it is lost (an answer that never came back).
    const c4 = await file(h, validForm({ guest_unit: '省卫健委' }));
    const made = h.fake.todos().filter((t) => t.subject.includes(c4));
    expect(made).toHaveLength(1);
    await h.bot.database.db.execute(`update approval_center_instances set todos = '{}'::jsonb where instance_id = '${c4}'`);
    // The outbox's next try: the create is sent again under the same sourceId.
    const from = h.fake.workCalls().length;
    await h.bot.database.db.transaction((tx) => enqueue(tx, { op: 'approval_center', instanceId: c4 }));
    h.bot.outbox.kick();
    await h.settle();
    const sourceId = made[0].sourceId!;
    expect(todoCalls(from).map((c) => `${c.method} ${c.path}`)).toEqual([`POST ${TASKS('ou_head1')}`, `GET ${TASKS('ou_head1')}/sources/${encodeURIComponent(sourceId)}`]);
    await approveAs(h, 'ou_head1', c4);
    const mine = h.fake.todos().filter((t) => t.subject.includes(c4) && t.owner === unionIdOf('ou_head1'));
    expect(mine.map((t) => [t.id, t.done])).toEqual([[made[0].id, true]]);
  });

  it('the calendar stays untouched when only DINGTALK_TODO_SYNC is on', async () => {
    expect(h.fake.workCalls().filter((c) => c.path.startsWith('/v1.0/calendar/'))).toEqual([]);
  });
});

describe('DingTalk 待办 and calendars switched off (the default)', () => {
  it('sends nothing to 待办 or any calendar and asks no unionId, through a whole approval', async () => {
    const h = await startDingTalkHarness();
    try {
      const code = await file(h);
      for (const who of CHAIN) await approveAs(h, who, code);
      expect(h.fake.workCalls()).toEqual([]);
    } finally {
      await h.close();
    }
  }, 60_000);
});
