// The request as Feishu's 审批 center lists it: built from the reception and its steps as they are,
// every task ever sent kept and closed once it is no longer current, and the version (update_time)
// the latest transition's time.
import { describe, expect, it } from 'vitest';
import { buildCenterInstance, centerStatus, type CenterInput } from '../../src/approval/center/instance.js';
import type { Approval } from '../../src/reception/store.js';
import { loadConfig } from '../../src/config.js';

const T0 = new Date('2026-03-02T01:00:00Z');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);
const NAMES: Record<string, string> = { ou_staff1: '王小明', ou_head1: '李建国', ou_office1: '赵敏', ou_leader1: '陈副主任', ou_office2: '钱进', ou_fin1: '孙会计' };

function step(id: number, n: number, role: string, approver: string, extra: Partial<Approval> = {}): Approval {
  return { id, receptionId: 1, round: 1, step: n, levels: [n], role, approver, status: 'waiting', actedBy: null, onBehalfOf: null, comment: null, cardRefs: [], createdAt: T0, pendingSince: null, actedAt: null, ...extra };
}

function input(steps: Approval[], extra: Partial<CenterInput> = {}, state: CenterInput['reception']['state'] = 'pending'): CenterInput {
  return {
    instanceId: 'JD-2026-0001',
    kind: 'request',
    reception: {
      code: 'JD-2026-0001', requester: 'ou_staff1', department: '招商局', state, round: 1, pendingChange: null, createdAt: T0, updatedAt: T0,
      form: { guest_unit: '省发展和改革委员会', lead_name: '张三', lead_title: '处长', guest_count: 5, arrive_date: '2026-03-10', depart_date: '2026-03-11' } as never,
    },
    steps,
    rounds: [1],
    delegates: new Map(),
    known: [],
    name: (id) => NAMES[id] ?? id,
    ...extra,
  };
}

const chain = (s1: Partial<Approval>, s2: Partial<Approval> = {}, s3: Partial<Approval> = {}) => [
  step(11, 1, '部门负责人', 'ou_head1', s1),
  step(12, 2, '接待办主任', 'ou_office1', s2),
  step(13, 3, '分管领导', 'ou_leader1', s3),
];

describe('the center instance of a request', () => {
  it('just submitted: 审批中, one pending task for the level-1 approver, Chinese title and lines, no end time', () => {
    const { instance, tasks } = buildCenterInstance(input(chain({ status: 'pending', pendingSince: T0 })));
    expect(instance).toMatchObject({ id: 'JD-2026-0001', status: 'PENDING', title: '接待申请 JD-2026-0001', requester: { id: 'ou_staff1', name: '王小明', department: '招商局' }, startedAt: T0.getTime(), updatedAt: T0.getTime() });
    expect(instance.endedAt).toBeUndefined();
    expect(instance.form).toEqual([
      { name: '来访单位', value: '省发展和改革委员会（处长张三）' },
      { name: '来访人数', value: '5人' },
      { name: '来访日期', value: '2026-03-10至2026-03-11' },
    ]);
    expect(instance.tasks).toEqual([{ id: '11-ou_head1', userId: 'ou_head1', title: '部门负责人审批', status: 'PENDING', delegate: false, createdAt: T0.getTime(), updatedAt: T0.getTime() }]);
    expect(tasks).toEqual([{ id: '11-ou_head1', stepId: 11, userId: 'ou_head1', delegate: false, createdAt: T0.getTime() }]);
  });

  it('level 1 approved: its task 已同意 with its end time, level 2 pending; the version is the act’s time', () => {
    const { instance } = buildCenterInstance(input(chain({ status: 'approved', pendingSince: T0, actedBy: 'ou_head1', actedAt: at(5) }, { status: 'pending', pendingSince: at(5) })));
    expect(instance.updatedAt).toBe(at(5).getTime());
    expect(instance.tasks.map((t) => [t.id, t.status, t.endedAt, t.reason])).toEqual([
      ['11-ou_head1', 'APPROVED', at(5).getTime(), 'approved'],
      ['12-ou_office1', 'PENDING', undefined, undefined],
    ]);
  });

  it('finally approved: 已通过, ended, no task left pending', () => {
    const done = { pendingSince: T0, actedAt: at(9) };
    const r = input(chain({ ...done, status: 'approved', actedBy: 'ou_head1' }, { ...done, status: 'approved', actedBy: 'ou_office1' }, { ...done, status: 'approved', actedBy: 'ou_leader1' }), {}, 'approved');
    const { instance } = buildCenterInstance(r);
    expect(instance.status).toBe('APPROVED');
    expect(instance.endedAt).toBe(at(9).getTime());
    expect(instance.tasks.every((t) => t.status === 'APPROVED')).toBe(true);
  });

  it('驳回 is 已驳回 with the rejecting task 已拒绝; 撤回 is 已撤回 with the open task closed', () => {
    const rejected = buildCenterInstance(input(chain({ status: 'rejected', pendingSince: T0, actedBy: 'ou_head1', actedAt: at(3) }), {}, 'rejected')).instance;
    expect(rejected.status).toBe('REJECTED');
    expect(rejected.tasks).toMatchObject([{ id: '11-ou_head1', status: 'REJECTED', reason: 'rejected' }]);
    const withdrawn = buildCenterInstance(input(chain({ status: 'withdrawn', pendingSince: T0 }, { status: 'withdrawn' }), {}, 'withdrawn')).instance;
    expect(withdrawn.status).toBe('CANCELED');
    expect(withdrawn.tasks).toMatchObject([{ id: '11-ou_head1', status: 'DONE', reason: 'recall' }]);
  });

  it('转交: the task sent to the old approver is sent again as 已转交, the new approver has a pending task', () => {
    const known = [{ id: '11-ou_head1', stepId: 11, userId: 'ou_head1', delegate: false, createdAt: T0.getTime() }];
    const { instance, tasks } = buildCenterInstance(input(chain({ approver: 'ou_office2', status: 'pending', pendingSince: at(2) }), { known }));
    expect(instance.tasks.map((t) => [t.id, t.userId, t.status])).toEqual([
      ['11-ou_office2', 'ou_office2', 'PENDING'],
      ['11-ou_head1', 'ou_head1', 'TRANSFERRED'],
    ]);
    expect(tasks.map((t) => t.id).sort()).toEqual(['11-ou_head1', '11-ou_office2']);
  });

  it('a delegate standing in has a task of their own (代…), and once they act the approver’s task closes', () => {
    const delegates = new Map([[11, ['ou_office2']]]);
    const pending = buildCenterInstance(input(chain({ status: 'pending', pendingSince: T0 }), { delegates })).instance;
    expect(pending.tasks).toMatchObject([
      { id: '11-ou_head1', status: 'PENDING', delegate: false },
      { id: '11-ou_office2', status: 'PENDING', delegate: true, title: '部门负责人审批（代李建国）' },
    ]);
    const acted = buildCenterInstance(input(chain({ status: 'approved', pendingSince: T0, actedBy: 'ou_office2', onBehalfOf: 'ou_head1', actedAt: at(4) }, { status: 'pending', pendingSince: at(4) }))).instance;
    expect(acted.tasks.map((t) => [t.id, t.status])).toEqual([
      ['11-ou_head1', 'DONE'],
      ['11-ou_office2', 'APPROVED'],
      ['12-ou_office1', 'PENDING'],
    ]);
  });

  it('returned to an earlier level: the returner’s task is closed, the earlier level pending again', () => {
    // Level 2 returned to level 1: level 2 waits again with its act cleared; level 1 is pending anew.
    const known = [
      { id: '11-ou_head1', stepId: 11, userId: 'ou_head1', delegate: false, createdAt: T0.getTime() },
      { id: '12-ou_office1', stepId: 12, userId: 'ou_office1', delegate: false, createdAt: at(5).getTime() },
    ];
    const { instance } = buildCenterInstance(input(chain({ status: 'pending', pendingSince: at(8) }), { known }));
    expect(instance.updatedAt).toBe(at(8).getTime());
    expect(instance.tasks.map((t) => [t.id, t.status, t.createdAt])).toEqual([
      ['11-ou_head1', 'PENDING', T0.getTime()], // create_time as first sent: Feishu never changes it
      ['12-ou_office1', 'DONE', at(5).getTime()],
    ]);
  });

  it('returned to the requester: still 审批中 (to be resubmitted), the returner’s task 已拒绝', () => {
    const { instance } = buildCenterInstance(input(chain({ status: 'returned', pendingSince: T0, actedBy: 'ou_head1', actedAt: at(2) }), {}, 'returned'));
    expect(instance.status).toBe('PENDING');
    expect(instance.tasks).toMatchObject([{ status: 'REJECTED', reason: 'specific_rollback' }]);
  });

  it('a request approved and changed since is 已通过 whatever the reception does now', () => {
    const r = input(chain({ status: 'approved' }, { status: 'approved' }, { status: 'approved' }));
    expect(centerStatus({ ...r, reception: { ...r.reception, round: 2, state: 'change_pending' } })).toBe('APPROVED');
  });

  it('an approved request called off (取消接待) is 已撤回, changed since or not, its approvers’ tasks kept 已同意', () => {
    const done = { pendingSince: T0, actedAt: at(9) };
    const r = input(chain({ ...done, status: 'approved', actedBy: 'ou_head1' }, { ...done, status: 'approved', actedBy: 'ou_office1' }, { ...done, status: 'approved', actedBy: 'ou_leader1' }), {}, 'cancelled');
    const { instance } = buildCenterInstance(r);
    expect(instance.status).toBe('CANCELED');
    expect(instance.tasks.map((t) => t.status)).toEqual(['APPROVED', 'APPROVED', 'APPROVED']);
    expect(centerStatus({ ...r, reception: { ...r.reception, round: 2 } })).toBe('CANCELED');
  });

  it('a change after approval follows its own round: 变更内容 shown, withdrawn is 已撤回', () => {
    const steps = [step(21, 1, '接待办主任', 'ou_office1', { round: 2, status: 'pending', pendingSince: at(30), createdAt: at(30) })];
    const change = { instanceId: 'JD-2026-0001-C2', kind: 'change' as const, rounds: [2], changeDiff: ['来访人数：5 → 12'] };
    const { instance } = buildCenterInstance(input(steps, change, 'change_pending'));
    expect(instance).toMatchObject({ id: 'JD-2026-0001-C2', title: '接待变更 JD-2026-0001', status: 'PENDING', startedAt: at(30).getTime() });
    expect(instance.form[1]).toEqual({ name: '变更内容', value: '来访人数：5 → 12' });
    const withdrawn = buildCenterInstance(input([{ ...steps[0], status: 'withdrawn' }], change, 'approved')).instance;
    expect(withdrawn.status).toBe('CANCELED');
  });
});

describe('FEISHU_APPROVAL_SYNC', () => {
  const app = { FEISHU_APP_ID: 'cli_a1b2c3d4e5f60708', FEISHU_APP_SECRET: 's' };
  it('is off by default, on with a Feishu app', () => {
    expect(loadConfig(app).feishu?.approvalSync).toBe(false);
    expect(loadConfig({ ...app, FEISHU_APPROVAL_SYNC: 'on' }).feishu?.approvalSync).toBe(true);
  });
  it('on without a Feishu app refuses to start, saying why; off alone leaves the simulator', () => {
    expect(() => loadConfig({ FEISHU_APPROVAL_SYNC: 'on' })).toThrow(/FEISHU_APPROVAL_SYNC: on needs a Feishu app: set FEISHU_APP_ID and FEISHU_APP_SECRET/);
    expect(loadConfig({ FEISHU_APPROVAL_SYNC: 'off' }).feishu).toBeUndefined();
    expect(() => loadConfig({ ...app, FEISHU_APPROVAL_SYNC: 'yes' })).toThrow(/FEISHU_APPROVAL_SYNC: must be on or off/);
  });
});
