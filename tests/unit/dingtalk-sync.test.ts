// DingTalk 待办 and calendar, the pure parts: which 待办 to create, close, reopen or remove for a
// request's tasks; a 待办's subject; calendar times as DingTalk's body has them (whole days end T+1,
// timed ones ISO-8601 with the zone's offset); the two switches.
import { describe, expect, it } from 'vitest';
import type { CenterInstance, CenterTask } from '../../src/chat/approval-center.js';
import { loadConfig } from '../../src/config.js';
import { configProblems } from './config-problems.js';
import { planTodos, todoSourceId, todoSubject } from '../../src/approval/center/todo-plan.js';
import { dingTalkTimes, fromDingTalk, isoInZone } from '../../src/platforms/dingtalk/calendar.js';

const task = (id: string, userId: string, status: CenterTask['status'], reason?: string): CenterTask => ({ id, userId, title: '部门负责人审批', status, delegate: false, reason, createdAt: 1, updatedAt: 2 });
const instance = (tasks: CenterTask[], status: CenterInstance['status'] = 'PENDING'): CenterInstance => ({
  id: 'JD-2026-0001',
  status,
  title: '接待申请 JD-2026-0001',
  form: [
    { name: '来访单位', value: '省发展和改革委员会（处长张伟）' },
    { name: '来访人数', value: '5人' },
  ],
  requester: { id: 'ou_staff1', name: '王小明', department: '招商局' },
  startedAt: 1,
  updatedAt: 2,
  tasks,
});

describe('DingTalk 待办 plan', () => {
  it('a pending task with no 待办 gets one, under a sourceId naming the instance and the task', () => {
    expect(planTodos(instance([task('7-ou_head1', 'ou_head1', 'PENDING')]), {})).toEqual([
      { kind: 'create', taskId: '7-ou_head1', person: 'ou_head1', generation: 1, item: { sourceId: 'jiedai:JD-2026-0001:7-ou_head1', subject: '【待审批】接待申请 JD-2026-0001（部门负责人审批）：省发展和改革委员会（处长张伟），5人', code: 'JD-2026-0001' } },
    ]);
  });

  it('acted on, transferred or closed: the open 待办 is done; withdrawn: removed; nothing twice', () => {
    const open = (todoId: string) => ({ todoId, person: 'ou_head1', state: 'open' as const, generation: 1 });
    for (const status of ['APPROVED', 'REJECTED', 'TRANSFERRED', 'DONE'] as const) {
      expect(planTodos(instance([task('7-ou_head1', 'ou_head1', status)]), { '7-ou_head1': open('t1') })).toEqual([{ kind: 'done', taskId: '7-ou_head1', person: 'ou_head1', todoId: 't1' }]);
    }
    expect(planTodos(instance([task('7-ou_head1', 'ou_head1', 'DONE', 'recall')], 'CANCELED'), { '7-ou_head1': open('t1') })).toEqual([{ kind: 'delete', taskId: '7-ou_head1', person: 'ou_head1', todoId: 't1' }]);
    expect(planTodos(instance([task('7-ou_head1', 'ou_head1', 'APPROVED')]), { '7-ou_head1': { ...open('t1'), state: 'done' } })).toEqual([]);
    expect(planTodos(instance([task('7-ou_head1', 'ou_head1', 'PENDING')]), { '7-ou_head1': open('t1') })).toEqual([]);
  });

  it('a task pending again reopens its 待办; one DingTalk lost is made again under the next sourceId', () => {
    const rec = { todoId: 't1', person: 'ou_head1', generation: 1 };
    expect(planTodos(instance([task('7-ou_head1', 'ou_head1', 'PENDING')]), { '7-ou_head1': { ...rec, state: 'done' } })).toEqual([{ kind: 'reopen', taskId: '7-ou_head1', person: 'ou_head1', todoId: 't1' }]);
    const [again] = planTodos(instance([task('7-ou_head1', 'ou_head1', 'PENDING')]), { '7-ou_head1': { ...rec, state: 'deleted' } });
    expect(again).toMatchObject({ kind: 'create', generation: 2, item: { sourceId: todoSourceId('JD-2026-0001', '7-ou_head1', 2) } });
    expect(todoSourceId('JD-2026-0001', '7-ou_head1', 2)).toBe('jiedai:JD-2026-0001:7-ou_head1:2');
  });

  it('the subject has no empty facts', () => {
    expect(todoSubject({ ...instance([]), form: [] }, { title: '接待办主任审批' })).toBe('【待审批】接待申请 JD-2026-0001（接待办主任审批）');
  });
});

describe('DingTalk calendar times', () => {
  it('a whole-day event ends the day after its last day, as DingTalk wants (T+1), and reads back as the last day', () => {
    const t = dingTalkTimes({ start: { date: '2026-05-12' }, end: { date: '2026-05-13' } });
    expect(t).toEqual({ start: { date: '2026-05-12' }, end: { date: '2026-05-14' }, isAllDay: true });
    expect(fromDingTalk({ summary: 's', description: 'd', ...t })).toEqual({ summary: 's', description: 'd', start: { date: '2026-05-12' }, end: { date: '2026-05-13' } });
  });

  it('a timed event is ISO-8601 with the zone’s offset and the zone named, both ends', () => {
    const start = String(Date.parse('2026-05-12T09:30:00+08:00') / 1000);
    const end = String(Date.parse('2026-05-12T18:00:00+08:00') / 1000);
    const t = dingTalkTimes({ start: { timestamp: start, timezone: 'Asia/Shanghai' }, end: { timestamp: end, timezone: 'Asia/Shanghai' } });
    expect(t).toEqual({ start: { dateTime: '2026-05-12T09:30:00+08:00', timeZone: 'Asia/Shanghai' }, end: { dateTime: '2026-05-12T18:00:00+08:00', timeZone: 'Asia/Shanghai' }, isAllDay: false });
    expect(fromDingTalk({ ...t })?.start).toEqual({ timestamp: start, timezone: 'Asia/Shanghai' });
    expect(isoInZone(Date.parse('2026-01-15T12:00:00Z') / 1000, 'America/New_York')).toBe('2026-01-15T07:00:00-05:00');
    expect(isoInZone(Date.parse('2026-07-15T12:00:00Z') / 1000, 'Asia/Kolkata')).toBe('2026-07-15T17:30:00+05:30');
  });
});

describe('DINGTALK_TODO_SYNC and DINGTALK_CALENDAR_SYNC', () => {
  const APP = { DINGTALK_CLIENT_ID: 'ding1', DINGTALK_CLIENT_SECRET: 's', PUBLIC_URL: 'https://jiedai.example.gov.cn' };
  const problems = configProblems;
  it('are off by default, and on when set so with a DingTalk app', () => {
    expect(loadConfig(APP).dingtalk).toMatchObject({ todoSync: false, calendarSync: false });
    expect(loadConfig({ ...APP, DINGTALK_TODO_SYNC: 'on', DINGTALK_CALENDAR_SYNC: 'on' }).dingtalk).toMatchObject({ todoSync: true, calendarSync: true });
  });
  it('on without a DingTalk app refuse to start (and are not taken for half a DingTalk app); anything but on or off is refused', () => {
    expect(problems({ DINGTALK_TODO_SYNC: 'on' })).toEqual(['DINGTALK_TODO_SYNC: on needs a DingTalk app: set DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET, or set DINGTALK_TODO_SYNC=off']);
    expect(problems({ DINGTALK_CALENDAR_SYNC: 'on' })).toEqual(['DINGTALK_CALENDAR_SYNC: on needs a DingTalk app: set DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET, or set DINGTALK_CALENDAR_SYNC=off']);
    expect(problems({ ...APP, DINGTALK_TODO_SYNC: 'yes' })).toEqual(['DINGTALK_TODO_SYNC: must be on or off']);
    expect(problems({ DINGTALK_TODO_SYNC: 'off' })).toEqual([]);
  });
});
