// Feishu's 审批 center (FEISHU_APPROVAL_SYNC=on), end to end through the fake Feishu: each request
// is a third-party approval instance whose tasks are the levels, sent on every transition through
// the outbox (approval v4 external_approvals once, then external_instances), and what a leader's
// 审批 app lists under 待办 follows the request. The center failing never holds an approval up.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { outbox } from '../../src/db/schema/index.js';
import type { App } from '../../src/app.js';
import { enqueue } from '../../src/chat/outbox.js';
import { startFakeFeishu, type FakeFeishu, type RecordedRequest } from '../fake-feishu/index.js';
import { buttonValues, validForm, webhookClient, type WebhookClient } from './approval-harness.js';
import { startBot } from './start-bot.js';
import { seedDataDir } from '../db/test-database.js';

const STAFF1 = 'ou_staff1'; // 王小明, 招商局
const HEAD1 = 'ou_head1'; // 李建国, level 1
const OFFICE1 = 'ou_office1'; // 赵敏, level 2
const LEADER1 = 'ou_leader1'; // 陈副主任, level 3
const DEFINITIONS = '/open-apis/approval/v4/external_approvals';
const INSTANCES = '/open-apis/approval/v4/external_instances';
type Obj = Record<string, unknown>;

const calls = (fake: FakeFeishu, p: string) => fake.requests.filter((r) => r.method === 'POST' && r.path === p);
const okCalls = (fake: FakeFeishu, p: string) => calls(fake, p).filter((r) => r.status === 200 && (r.response as Obj | undefined)?.code === 0);
/** The texts of an @i18n@ body, key → value (zh-CN, the default). */
const textsOf = (body: Obj) => new Map(((body.i18n_resources as Obj[])[0].texts as { key: string; value: string }[]).map((t) => [t.key, t.value]));
const bodiesFor = (fake: FakeFeishu, id: string) => okCalls(fake, INSTANCES).map((r) => r.body as Obj).filter((b) => b.instance_id === id);
const lastBody = (fake: FakeFeishu, id: string) => bodiesFor(fake, id).at(-1)!;
const tasksOf = (fake: FakeFeishu, id: string) => fake.approvalCenter().instances.get(id)?.tasks.map((t) => [t.open_id, t.status]) ?? [];
/** No snake_case or camelCase identifier in a text people read. */
const readable = (s: string) => !/[a-z]+_[a-z]+|[a-z][A-Z]/.test(s);

describe('审批 center: requests as third-party approval instances', () => {
  let fake: FakeFeishu;
  let bot: App;
  let c: WebhookClient;
  beforeAll(async () => {
    fake = await startFakeFeishu();
    bot = await startBot({ baseUrl: fake.url, mode: 'webhook', env: { FEISHU_APPROVAL_SYNC: 'on' } });
    c = webhookClient(fake, bot);
  });
  afterAll(async () => {
    await bot?.close();
    await fake?.close();
  });

  let code: string;
  it('a submitted request is listed once as 审批中, with a pending task for the level-1 approver; the definition is created first, as Feishu documents both', async () => {
    ({ code } = (await c.submit(STAFF1, validForm())) as { code: string });
    expect(code).toMatch(/^JD-/);

    // The definition: one call, its texts as @i18n@ keys, visible to the unit, its start links opening the bot.
    const [def] = calls(fake, DEFINITIONS);
    expect(def.status).toBe(200);
    const d = def.body as Obj;
    const dt = textsOf(d);
    expect(dt.get(d.approval_name as string)).toBe('公务接待审批');
    expect(dt.get(d.group_name as string)).toBe('公务接待');
    expect(dt.get((d.external as Obj).biz_name as string)).toBe('接待助手');
    expect(d.external).toMatchObject({ support_pc: true, support_mobile: true, create_link_pc: `https://applink.feishu.cn/client/bot/open?appId=${fake.appId}` });
    expect(d.viewers).toEqual([{ viewer_type: 'TENANT' }]);
    const approvalCode = ((def.response as Obj).data as Obj).approval_code as string;
    expect(approvalCode).not.toBe(d.approval_code); // Feishu's own code for a new definition, kept by the bot

    // The instance, as the wire carries it.
    const sent = okCalls(fake, INSTANCES);
    expect(sent).toHaveLength(1);
    const b = sent[0].body as Obj;
    const t = textsOf(b);
    expect(b).toMatchObject({ approval_code: approvalCode, instance_id: code, status: 'PENDING', open_id: STAFF1, end_time: '0', update_mode: 'UPDATE' });
    expect(b.links).toEqual({ pc_link: `https://applink.feishu.cn/client/bot/open?appId=${fake.appId}`, mobile_link: `https://applink.feishu.cn/client/bot/open?appId=${fake.appId}` });
    expect(b.start_time).toMatch(/^\d{13}$/);
    expect(Number(b.update_time)).toBeGreaterThanOrEqual(Number(b.start_time));
    expect(t.get(b.title as string)).toBe(`接待申请 ${code}`);
    expect(t.get(b.user_name as string)).toBe('王小明');
    expect(t.get(b.department_name as string)).toBe('招商局');
    expect((b.form as { name: string; value: string }[]).map((f) => [t.get(f.name), t.get(f.value)])).toEqual([
      ['来访单位', '省发展和改革委员会（处长张伟）'],
      ['来访人数', '5人'],
      ['来访日期', String(validForm().arrive_date).slice(0, 10)],
    ]);
    const tasks = b.task_list as Obj[];
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ open_id: HEAD1, status: 'PENDING', end_time: '0', links: b.links });
    expect(tasks[0].create_time).toMatch(/^\d{13}$/);
    expect(tasks[0].update_time).toBe(b.update_time);
    expect(t.get(tasks[0].title as string)).toBe('部门负责人审批');
    expect(((b.i18n_resources as Obj[])[0])).toMatchObject({ locale: 'zh-CN', is_default: true });
    expect([...t.values()].every(readable)).toBe(true);

    // What 李建国's 审批 app lists under 待办.
    expect(fake.approvalCenter().todo(HEAD1).map((x) => x.instance.title)).toEqual([`接待申请 ${code}`]);
  });

  let before: Obj;
  it('each level’s 同意 moves the pending task on; the final one leaves the instance 已通过 with nothing in anyone’s 待办', async () => {
    before = lastBody(fake, code);
    await c.act(HEAD1, code, 'approve');
    expect(tasksOf(fake, code)).toEqual([[HEAD1, 'APPROVED'], [OFFICE1, 'PENDING']]);
    expect(fake.approvalCenter().todo(HEAD1)).toEqual([]);
    expect(fake.approvalCenter().todo(OFFICE1)).toHaveLength(1);
    expect(Number(lastBody(fake, code).update_time)).toBeGreaterThan(Number(before.update_time));

    await c.act(OFFICE1, code, 'approve');
    await c.act(LEADER1, code, 'approve');
    const inst = fake.approvalCenter().instances.get(code)!;
    expect(inst.status).toBe('APPROVED');
    expect(inst.end_time).not.toBe('0');
    expect(tasksOf(fake, code)).toEqual([[HEAD1, 'APPROVED'], [OFFICE1, 'APPROVED'], [LEADER1, 'APPROVED']]);
    for (const who of [HEAD1, OFFICE1, LEADER1]) expect(fake.approvalCenter().todo(who)).toEqual([]);
    // One definition for every request: later syncs name the code Feishu answered.
    expect(calls(fake, DEFINITIONS)).toHaveLength(1);
  });

  it('a late sync, older than what the center has, changes nothing there; a retried row sends the request as it is now', async () => {
    // The 审批中 version arrives again after the approval (a request Feishu took late): Feishu keeps the newer one.
    const res = await fetch(`${fake.url}${INSTANCES}`, { method: 'POST', headers: { authorization: `Bearer ${fake.tenantAccessToken}`, 'content-type': 'application/json' }, body: JSON.stringify(before) });
    expect(((await res.json()) as Obj).code).toBe(0);
    expect(fake.approvalCenter().instances.get(code)!.status).toBe('APPROVED');
    expect(tasksOf(fake, code)).toEqual([[HEAD1, 'APPROVED'], [OFFICE1, 'APPROVED'], [LEADER1, 'APPROVED']]);

    // An old outbox row for this instance, delivered only now, is built at delivery: it carries the approval.
    const n = okCalls(fake, INSTANCES).length;
    await bot.database.db.transaction((tx) => enqueue(tx, { op: 'approval_center', instanceId: code }));
    bot.outbox.kick();
    await c.settle();
    const again = okCalls(fake, INSTANCES).slice(n).map((r) => r.body as Obj);
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ instance_id: code, status: 'APPROVED' });
    expect((again[0].task_list as Obj[]).map((x) => x.status)).toEqual(['APPROVED', 'APPROVED', 'APPROVED']);
  });

  it('a change after approval is an instance of its own (接待变更, 变更内容); withdrawn it is 已撤回, approved 已通过, and the request stays 已通过', async () => {
    const changeForm = async () => {
      await c.say(STAFF1, `变更 ${code}`);
      const msg = c.cardsTo(STAFF1).at(-1)!;
      const value = buttonValues(msg.content).find((v) => v.action === 'request.change')!;
      return c.tap(STAFF1, msg.message_id, value, { formValue: validForm({ lodging: '普通套间', rooms: '1', reason: '带队领导年事已高，需单独休息' }) });
    };
    // Withdrawn: 已撤回, nothing left in the approver's 待办.
    expect((await changeForm()).toast?.content).toBe('已提交变更，待审批');
    expect(tasksOf(fake, `${code}-C2`)).toEqual([[OFFICE1, 'PENDING']]);
    await c.say(STAFF1, `撤回 ${code}`);
    expect(fake.approvalCenter().instances.get(`${code}-C2`)!.status).toBe('CANCELED');
    expect(fake.approvalCenter().todo(OFFICE1)).toEqual([]);

    // Asked again and approved: 已通过; the request itself stays 已通过 throughout.
    expect((await changeForm()).toast?.content).toBe('已提交变更，待审批');
    const change = `${code}-C3`;
    const b = lastBody(fake, change);
    const t = textsOf(b);
    expect(t.get(b.title as string)).toBe(`接待变更 ${code}`);
    expect((b.form as { name: string; value: string }[]).map((f) => t.get(f.name))).toContain('变更内容');
    expect(tasksOf(fake, change)).toEqual([[OFFICE1, 'PENDING']]);
    await c.act(OFFICE1, code, 'approve');
    await c.act('ou_chief', code, 'approve');
    expect(fake.approvalCenter().instances.get(change)!.status).toBe('APPROVED');
    expect(tasksOf(fake, change)).toEqual([[OFFICE1, 'APPROVED'], ['ou_chief', 'APPROVED']]);
    expect(fake.approvalCenter().instances.get(code)!.status).toBe('APPROVED');
  });

  it('the fake center refuses what Feishu refuses: a body without update_time, a text key not in i18n_resources, an unknown definition', async () => {
    const post = async (body: Obj) => {
      const res = await fetch(`${fake.url}${INSTANCES}`, { method: 'POST', headers: { authorization: `Bearer ${fake.tenantAccessToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Obj };
    };
    const good: Obj = { ...lastBody(fake, code), instance_id: 'JD-TEST-1' };
    const { update_time: _u, ...noTime } = good;
    for (const bad of [noTime, { ...good, title: '@i18n@nowhere' }, { ...good, approval_code: 'NO-SUCH-CODE' }, { ...good, task_list: [{ task_id: 't1', status: 'WAITING' }] }]) {
      const res = await post(bad);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(1390001);
    }
    expect(fake.approvalCenter().instances.has('JD-TEST-1')).toBe(false);
  });

  it('驳回 leaves the instance 已驳回 and the rejecting task 已拒绝', async () => {
    const { code: rejected } = await c.submit(STAFF1, validForm({ guest_unit: '市商务局' }));
    await c.act(HEAD1, rejected!, 'reject', { comment: '日程冲突' });
    expect(fake.approvalCenter().instances.get(rejected!)!.status).toBe('REJECTED');
    expect(tasksOf(fake, rejected!)).toEqual([[HEAD1, 'REJECTED']]);
    expect(JSON.parse(String(fake.approvalCenter().instances.get(rejected!)!.tasks[0].extra))).toEqual({ complete_reason: 'rejected' });
  });

  it('撤回 leaves the instance 已撤回 and clears the approver’s 待办', async () => {
    const { code: withdrawn } = await c.submit(STAFF1, validForm({ guest_unit: '市科技局' }));
    expect(fake.approvalCenter().todo(HEAD1).map((x) => x.instance.instance_id)).toEqual([withdrawn]);
    await c.say(STAFF1, `撤回 ${withdrawn}`);
    expect(fake.approvalCenter().instances.get(withdrawn!)!.status).toBe('CANCELED');
    expect(fake.approvalCenter().todo(HEAD1)).toEqual([]);
  });

  it('转交 and 退回 to an earlier level: the old task is 已转交 or closed, the new approver has the pending one', async () => {
    const { code: moved } = await c.submit(STAFF1, validForm({ guest_unit: '市文旅局' }));
    await c.act(HEAD1, moved!, 'transfer', { transfer_to: 'ou_office2' });
    expect(tasksOf(fake, moved!)).toEqual([[HEAD1, 'TRANSFERRED'], ['ou_office2', 'PENDING']]);
    await c.act('ou_office2', moved!, 'approve');
    await c.act(OFFICE1, moved!, 'return', { comment: '请重新核对人数', return_to: '第1级：部门负责人 钱进' });
    expect(tasksOf(fake, moved!)).toEqual([[HEAD1, 'TRANSFERRED'], ['ou_office2', 'PENDING'], [OFFICE1, 'DONE']]);
    expect(fake.approvalCenter().todo(OFFICE1)).toEqual([]);
  });
});

describe('审批 center: Feishu failing, restarts, and the switch off', () => {
  let fake: FakeFeishu;
  let dir: string;
  beforeAll(async () => {
    fake = await startFakeFeishu();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jd-center-'));
    await seedDataDir(dir);
  });
  afterAll(async () => {
    await fake?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const start = (env: Record<string, string> = { FEISHU_APPROVAL_SYNC: 'on' }) => startBot({ baseUrl: fake.url, mode: 'webhook', env: { DATA_DIR: dir, ...env } });

  it('the center answering errors holds no approval up: the request goes on at once, the center catches up after the retries', async () => {
    const bot = await start();
    try {
      const c = webhookClient(fake, bot);
      const failing = [
        fake.inject({ route: `POST ${DEFINITIONS}`, fault: { status: 500 }, times: 1 }),
        fake.inject({ route: `POST ${INSTANCES}`, fault: { status: 503 }, times: 1 }),
        fake.inject({ route: `POST ${INSTANCES}`, fault: { status: 400, code: 1395001, msg: 'There have been some errors. Please try again later' }, times: 1 }),
      ];
      const { code } = await c.submit(STAFF1, validForm());
      // The first approver's card went out whatever the center said, and 同意 works.
      expect(c.openApprovalCard(HEAD1, code!)).toBeDefined();
      const answer = await c.act(HEAD1, code!, 'approve');
      expect(answer.toast?.content).toBe('已同意');
      expect(c.openApprovalCard(OFFICE1, code!)).toBeDefined();
      expect(failing.map((f) => f.hits)).toEqual([1, 1, 1]);
      // The card reached the approver before the center took the request at all.
      const card = fake.requests.find((r) => r.path === '/open-apis/im/v1/messages' && (r.body as Obj).receive_id === HEAD1)!;
      expect(card.seq).toBeLessThan(okCalls(fake, INSTANCES)[0].seq);

      // After the retries, the center has the request as it stands.
      expect(calls(fake, DEFINITIONS).map((r) => r.status)).toEqual([500, 200]);
      expect(fake.approvalCenter().instances.get(code!)!.status).toBe('PENDING');
      expect(tasksOf(fake, code!)).toEqual([[HEAD1, 'APPROVED'], [OFFICE1, 'PENDING']]);
    } finally {
      await bot.close();
    }
  });

  it('after a restart on the same database, the definition is not created again', async () => {
    const bot = await start();
    try {
      const c = webhookClient(fake, bot);
      const { code } = await c.submit(STAFF1, validForm({ guest_unit: '市交通运输局' }));
      expect(calls(fake, DEFINITIONS).filter((r) => r.status === 200)).toHaveLength(1);
      expect(fake.approvalCenter().definitions.size).toBe(1);
      expect(fake.approvalCenter().instances.get(code!)!.approval_code).toBe([...fake.approvalCenter().definitions.keys()][0]);
    } finally {
      await bot.close();
    }
  });

  it('with FEISHU_APPROVAL_SYNC off (the default) nothing is sent to the center', async () => {
    const n = fake.requests.length;
    const bot = await start({});
    try {
      const c = webhookClient(fake, bot);
      const { code } = await c.submit(STAFF1, validForm({ guest_unit: '市教育局' }));
      await c.act(HEAD1, code!, 'approve');
      expect(fake.requests.slice(n).filter((r: RecordedRequest) => r.path.startsWith('/open-apis/approval/'))).toEqual([]);
      const rows = await bot.database.db.select().from(outbox).where(and(eq(outbox.op, 'approval_center'), sql`${outbox.payload}->>'instanceId' = ${code}`));
      expect(rows).toEqual([]);
    } finally {
      await bot.close();
    }
  });
});
