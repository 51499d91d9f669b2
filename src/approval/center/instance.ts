// A request as Feishu's 审批 center lists it (FEISHU_APPROVAL_SYNC=on), built from the database as it
// is now: pure, so a row delivered late or retried sends what is true at delivery, never what was
// true when it was written. The center keeps tasks it was once sent, so every task ever sent is sent
// again, closed, once it is no longer current (transferred away, a level sent back, a delegate gone).
import type { CenterInstance, CenterStatus, CenterTask, CenterTaskStatus } from '../../chat/approval-center.js';
import type { CenterTaskRecord, ReceptionState } from '../../db/schema/index.js';
import type { Approval, Reception } from '../../reception/store.js';
import { cut } from '../../lib/text.js';

export interface CenterInput {
  instanceId: string;
  kind: 'request' | 'change';
  reception: Pick<Reception, 'code' | 'requester' | 'department' | 'state' | 'round' | 'form' | 'pendingChange' | 'createdAt' | 'updatedAt'>;
  /** The steps of the instance's rounds (a request: its rounds up to approval; a change: its one round). */
  steps: Approval[];
  rounds: number[];
  /** Active delegates who may stand in, by pending step id: they get a task of their own (代理). */
  delegates: Map<number, string[]>;
  /** Every task the center was sent for this instance so far. */
  known: CenterTaskRecord[];
  /** A person's name as people read it. */
  name: (id: string) => string;
  /** The change's proposed differences ("来访人数：5 → 12"), when the instance is a change. */
  changeDiff?: string[];
}

export interface CenterBuild {
  instance: CenterInstance;
  /** The tasks to remember: those known before and those sent now. */
  tasks: CenterTaskRecord[];
}

const ms = (d: Date | null | undefined) => (d ? d.getTime() : 0);
const APPROVED_STATES: ReceptionState[] = ['approved', 'change_pending', 'in_progress', 'settling', 'settled'];

/** The instance's outcome. A request follows the reception; a change, its round's steps. */
export function centerStatus(input: Pick<CenterInput, 'kind' | 'reception' | 'steps' | 'rounds'>): CenterStatus {
  const { reception: r, steps } = input;
  if (input.kind === 'change') {
    if (steps.some((s) => s.status === 'withdrawn')) return 'CANCELED';
    if (steps.some((s) => s.status === 'rejected' || s.status === 'returned')) return 'REJECTED';
    return steps.length && steps.every((s) => s.status === 'approved') ? 'APPROVED' : 'PENDING';
  }
  // An approved reception called off (取消接待) is withdrawn as far as the center is concerned.
  if (r.state === 'cancelled') return 'CANCELED';
  // Rounds after the request's own are changes, which come only after approval.
  if (r.round > Math.max(...input.rounds)) return 'APPROVED';
  if (r.state === 'rejected') return 'REJECTED';
  if (r.state === 'withdrawn') return 'CANCELED';
  if (APPROVED_STATES.includes(r.state)) return 'APPROVED';
  return 'PENDING'; // pending, or returned to the requester to edit and resubmit
}

/** The latest moment anything of the instance changed: the version the center compares. */
export function centerUpdateTime(input: Pick<CenterInput, 'reception' | 'steps'>): number {
  let t = ms(input.reception.updatedAt);
  for (const s of input.steps) t = Math.max(t, ms(s.createdAt), ms(s.pendingSince), ms(s.actedAt));
  return t;
}

const REASON: Partial<Record<Approval['status'], string>> = { approved: 'approved', rejected: 'rejected', returned: 'specific_rollback', withdrawn: 'recall' };

/** One person's task on one step, as the step stands now; undefined when the step has no task for them yet. */
function taskOf(s: Approval, userId: string, delegate: boolean, updatedAt: number): Omit<CenterTask, 'id' | 'title' | 'createdAt'> | undefined {
  const ended = (status: CenterTaskStatus, reason?: string) => ({ userId, delegate, status, reason, endedAt: ms(s.actedAt) || updatedAt, updatedAt });
  switch (s.status) {
    case 'pending':
      return { userId, delegate, status: 'PENDING', updatedAt };
    case 'approved':
    case 'rejected':
    case 'returned':
      // Whoever acted has the outcome; the other (the approver whose delegate acted, a delegate who did not) is closed.
      if (s.actedBy !== userId) return ended('DONE', REASON[s.status]);
      return ended(s.status === 'approved' ? 'APPROVED' : 'REJECTED', REASON[s.status]);
    case 'withdrawn':
      return s.pendingSince ? ended('DONE', 'recall') : undefined;
    case 'waiting':
      return undefined;
  }
}

const FIELD = (f: Record<string, unknown>, k: string) => String(f[k] ?? '').trim();

/** What the center shows under the title: who comes, how many, when; for a change, what changes. */
function formLines(input: CenterInput): { name: string; value: string }[] {
  const f = input.reception.form as unknown as Record<string, unknown>;
  const lead = [FIELD(f, 'lead_title'), FIELD(f, 'lead_name')].filter(Boolean).join('');
  const dates = [FIELD(f, 'arrive_date'), FIELD(f, 'depart_date')].filter(Boolean).map((d) => d.slice(0, 10));
  const lines = [
    { name: '来访单位', value: FIELD(f, 'guest_unit') + (lead ? `（${lead}）` : '') },
    ...(input.kind === 'change' && input.changeDiff?.length ? [{ name: '变更内容', value: input.changeDiff.join('；') }] : []),
    { name: '来访人数', value: FIELD(f, 'guest_count') ? `${FIELD(f, 'guest_count')}人` : '' },
    { name: '来访日期', value: dates.length === 2 && dates[0] !== dates[1] ? `${dates[0]}至${dates[1]}` : (dates[0] ?? '') },
  ];
  // The center shows short lines (the whole form at most 2048 characters).
  return lines.filter((l) => l.value).map((l) => ({ name: l.name, value: cut(l.value, 300) }));
}

export function buildCenterInstance(input: CenterInput): CenterBuild {
  const { reception: r, steps, known } = input;
  const updatedAt = centerUpdateTime(input);
  const status = centerStatus(input);
  const byStep = new Map(steps.map((s) => [s.id, s]));
  const firstSent = new Map(known.map((k) => [k.id, k.createdAt]));
  const tasks = new Map<string, { task: CenterTask; stepId: number }>();
  const put = (s: Approval, userId: string, delegate: boolean) => {
    const t = taskOf(s, userId, delegate, updatedAt);
    if (!t) return;
    const id = `${s.id}-${userId}`;
    const createdAt = firstSent.get(id) ?? (ms(s.pendingSince) || ms(s.createdAt));
    const title = delegate ? `${s.role}审批（代${input.name(s.approver)}）` : `${s.role}审批`;
    tasks.set(id, { task: { id, title, createdAt, ...t }, stepId: s.id });
  };
  for (const s of steps) {
    put(s, s.approver, false);
    // A delegate who acted has a task of their own; so does every delegate who may stand in on a pending step.
    if (s.actedBy && s.actedBy !== s.approver) put(s, s.actedBy, true);
    if (s.status === 'pending') for (const d of input.delegates.get(s.id) ?? []) put(s, d, true);
  }
  // Tasks sent before that are no longer current: an approver's step handed to someone else
  // (转交, or the org file no longer names them) is 已转交; anything else is closed.
  for (const k of known) {
    if (tasks.has(k.id)) continue;
    const s = byStep.get(k.stepId);
    const transferred = !k.delegate && s !== undefined && s.approver !== k.userId && s.status !== 'withdrawn';
    const title = s ? (k.delegate ? `${s.role}审批（代${input.name(s.approver)}）` : `${s.role}审批`) : '接待审批';
    const task: CenterTask = { id: k.id, userId: k.userId, title, status: transferred ? 'TRANSFERRED' : 'DONE', delegate: k.delegate, reason: transferred ? 'forward' : s?.status === 'withdrawn' ? 'recall' : 'others', createdAt: k.createdAt, endedAt: updatedAt, updatedAt };
    tasks.set(k.id, { task, stepId: k.stepId });
  }
  // Every task of a finished instance is closed: nothing stays in anyone's 待办.
  if (status !== 'PENDING') for (const { task } of tasks.values()) if (task.status === 'PENDING') Object.assign(task, { status: 'DONE', endedAt: updatedAt, reason: status === 'CANCELED' ? 'recall' : 'others' });

  const startedAt = input.kind === 'request' ? ms(r.createdAt) : Math.min(...steps.map((s) => ms(s.createdAt)));
  const instance: CenterInstance = {
    id: input.instanceId,
    status,
    title: `${input.kind === 'change' ? '接待变更' : '接待申请'} ${r.code}`,
    form: formLines(input),
    requester: { id: r.requester, name: input.name(r.requester), department: r.department },
    startedAt,
    ...(status === 'PENDING' ? {} : { endedAt: updatedAt }),
    updatedAt,
    tasks: [...tasks.values()].map((t) => t.task),
  };
  const remembered = [...tasks.values()].map(({ task, stepId }) => ({ id: task.id, stepId, userId: task.userId, delegate: task.delegate, createdAt: task.createdAt }));
  return { instance, tasks: remembered };
}
