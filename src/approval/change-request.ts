import { recordInLedger } from '../reception/ledger-sync.js';
import { and, eq } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import type { CardActionEvent, CardActionResult, MessageEvent } from '../chat/event.js';
import { buildReceptionStatusCard } from '../reception/reception-cards.js';
import { buildRequestFormCard } from '../request/request-form-card.js';
import { applyLibrary, libraryChoices } from '../places/request-library.js';
import { escapeMd } from '../cards/elements.js';
import { cut } from '../lib/text.js';
import { approvals, receptions, tasks, type PendingChange } from '../db/schema/index.js';
import { needsExtraApproval } from '../rules/checks/extra-approval.js';
import { checkRequest } from '../rules/checks/check-request.js';
import { sortFindings } from '../rules/checks/finding.js';
import { readRequest, type ReceptionRequest } from '../rules/checks/read-request.js';
import { buildChain } from './chain.js';
import { sendApprovalCards } from './notify.js';
import { syncApprovalCenter } from './center/sync.js';
import { refreshPlanCards, scheduleTaskJobs } from '../plan/plan.js';
import { CODE_PATTERN, findReception, roundSteps, viewOf, type Reception } from '../reception/store.js';
import { formValues } from './submit-request.js';
import { isOffice, nameOf } from '../org/access.js';
import { leaderIds, syncLeaderCalendars } from '../calendar/calendar-sync.js';

const LIVE = ['approved', 'in_progress'];
const LABELS: Partial<Record<keyof ReceptionRequest, string>> = {
  guest_unit: '来访单位', lead_name: '带队领导', lead_title: '职务', lead_rank: '级别', guest_count: '来访人数', kind: '接待类型', purpose: '事由',
  purpose_detail: '活动安排', arrive_date: '到达日期', depart_date: '离开日期', letter_no: '公函文号', working_meal: '工作餐', accompany_count: '陪餐人数',
  lodging: '住宿', rooms: '房间数', vehicles: '用车', notes: '饮食禁忌等', route: '考察线路', arrive_time: '到达时间', hotel: '住宿宾馆', restaurant: '用餐餐厅',
};

const mayChange = (ctx: HandlerContext, r: { requester: string }, who: string) =>
  who === r.requester || isOffice(ctx.org, who);

/** 变更 JD-…: the requester or the office gets the approved request back as a form to change. */
export async function onChangeCommand(event: MessageEvent, ctx: HandlerContext, args: string): Promise<void> {
  const code = args.trim().split(/\s+/)[0]?.toUpperCase() ?? '';
  const say = (text: string) => ctx.say({ kind: 'text', text });
  if (!CODE_PATTERN.test(code)) return void (await say('格式：变更 JD-2026-0001'));
  const r = await findReception(ctx.tx, code);
  if (!r || !mayChange(ctx, r, event.senderId)) return void (await say(`未找到接待${code}，或您无权变更。`));
  if (r.state === 'cancelled') return void (await say(`接待${code}已取消，不能变更。`));
  if (!LIVE.includes(r.state)) return void (await say(`接待${code}当前不是已批准状态，不能变更；审批中的申请请先撤回。`));
  const card = buildRequestFormCard({ values: formValues(r.form), library: await libraryChoices(ctx.tx), change: code });
  await ctx.say({ kind: 'card', card });
}

const days = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
const key = (f: { rule: string; field?: string; message: string }) => `${f.rule}|${f.field ?? ''}|${f.message}`;
type Where = { type: 'created_chat'; sentBy: string } | { type: 'chat'; id: string };
const whereOf = (ctx: Ctx, r: Reception): Where => (r.groupRef ? { type: 'created_chat', sentBy: r.groupRef } : { type: 'chat', id: ctx.org.reception_office.chat_id });
type Ctx = Pick<HandlerContext, 'tx' | 'org' | 'policy' | 'config' | 'now' | 'enqueue' | 'audit'>;

/**
 * request.change: an approved reception's facts change. The new facts are checked like a request.
 * A change that brings a finding the approved request did not have, or newly needs the principal
 * leader, waits for approval (state change_pending) while the approved plan runs on; any other
 * change applies at once.
 */
export async function onRequestChange(event: CardActionEvent, ctx: HandlerContext): Promise<CardActionResult> {
  const code = typeof event.value.code === 'string' ? event.value.code : '';
  const r = await findReception(ctx.tx, code, { lock: true });
  if (!r || !mayChange(ctx, r, event.operatorId)) return { toast: { type: 'error', content: `未找到接待${code}，或您无权变更。` } };
  if (r.state === 'change_pending') return { toast: { type: 'error', content: `接待${code}已有变更在审批中，请待其办结后再变更。` } };
  if (r.state === 'cancelled') return { toast: { type: 'error', content: `接待${code}已取消，不能变更。` } };
  if (!['approved', 'in_progress'].includes(r.state)) return { toast: { type: 'error', content: `接待${code}当前不是已批准状态，不能变更。` } };
  const raw = event.formValue ?? {};
  const read = readRequest(raw);
  const library = await libraryChoices(ctx.tx);
  const again = (content: string, findings = read.findings, askReason = false) => {
    const errors: Record<string, string> = {};
    for (const f of findings) if (f.field && !errors[f.field]) errors[f.field] = f.message;
    const card = buildRequestFormCard({ values: formValues(raw), library, errors, findings: askReason ? findings : findings.filter((f) => !f.field), askReason, change: code });
    return { toast: { type: askReason ? ('warning' as const) : ('error' as const), content }, card };
  };
  if (!read.value) return again(`有${read.findings.length}处需要修改。`);
  const lib = await applyLibrary(ctx.tx, read.value, ctx.policy);
  if (lib.errors.length) return again(lib.errors[0].message, lib.errors);
  const findings = sortFindings([...checkRequest(read.value, ctx.policy, ctx.now, { timeZone: ctx.config.timeZone }), ...lib.findings]);
  const blocks = findings.filter((f) => f.severity === 'block');
  if (blocks.length) return again(`不能变更：${blocks[0].message}`, findings);

  const before = r.form;
  const after = read.value;
  const changed = (Object.keys(LABELS) as (keyof ReceptionRequest)[]).filter((k) => String(before[k] ?? '') !== String(after[k] ?? ''));
  if (!changed.length) return { toast: { type: 'info', content: '未发现变更内容。' } };
  const diff = changed.map((k) => `${LABELS[k]}：${String(before[k] ?? '') || '无'} → ${String(after[k] ?? '') || '无'}`);
  const known = new Set(r.findings.map(key));
  const newConcern = findings.filter((f) => f.severity === 'reason' && !known.has(key(f)));
  const extra = needsExtraApproval(findings, ctx.policy, read.value);
  const newExtra = extra.required && r.extraLevel.length === 0;
  const reasonText = cut(String(raw.reason ?? '').trim(), 1000);
  if (newConcern.length && !reasonText) return again('变更有须说明理由的事项，请填写情况说明后再提交。', findings, true);
  const who = nameOf(ctx.org, event.operatorId);

  if (!newConcern.length && !newExtra) {
    await applyChange(ctx, r, { form: after, findings, reason: reasonText || r.reason, extraLevel: r.extraLevel, diff, by: event.operatorId });
    await ctx.enqueue({ op: 'send', to: whereOf(ctx, r), message: { kind: 'text', text: `【接待变更】${r.code}（${who}）：${diff.join('；')}${shiftNote(before, after)}。` } });
    const fresh = (await findReception(ctx.tx, r.code))!;
    const view = viewOf(ctx.org, fresh, await roundSteps(ctx.tx, fresh));
    return { toast: { type: 'success', content: '已变更' }, card: buildReceptionStatusCard(view, { title: `接待变更：${r.code}`, outcome: `已变更：${diff.join('；')}`, template: 'green' }) };
  }

  // Needs approval: the level the policy names (never the person asking for the change), and the principal leader when newly required.
  const pending: PendingChange = { form: after, findings, reason: reasonText || null, extraLevel: extra.reasons, diff, by: event.operatorId };
  const chain = buildChain(ctx.org, r.requester, { extraLevel: newExtra }).filter((s) => s.approver !== event.operatorId);
  const wanted = ctx.policy.plan.reapproval_level;
  const first = chain.find((s) => s.levels.includes(wanted)) ?? chain.find((s) => s.levels.some((l) => l > wanted)) ?? chain[chain.length - 1];
  const steps = [first, ...(newExtra ? chain.filter((s) => s.levels.includes(4) && s !== first) : [])].filter(Boolean);
  if (!steps.length) return { toast: { type: 'error', content: '组织名单中未找到可审批此项变更的人员，请联系接待办。' } };
  const round = r.round + 1;
  await ctx.tx.update(receptions).set({ state: 'change_pending', round, pendingChange: pending, updatedAt: ctx.now }).where(eq(receptions.id, r.id));
  await ctx.audit({ actor: event.operatorId, entity: 'reception', entityId: r.code, action: 'change_request', from: r.state, to: 'change_pending', reason: diff.join('；') });
  const rows = await ctx.tx
    .insert(approvals)
    .values(steps.map((s, i) => ({ receptionId: r.id, round, step: i + 1, levels: s.levels, role: s.role, approver: s.approver, status: i === 0 ? ('pending' as const) : ('waiting' as const), createdAt: ctx.now, pendingSince: i === 0 ? ctx.now : null })))
    .returning();
  const fresh = (await findReception(ctx.tx, r.code))!;
  await syncApprovalCenter(ctx, fresh);
  const concern = [...newConcern.map((f) => f.message), ...(newExtra ? extra.reasons : [])];
  await sendApprovalCards(ctx, fresh, rows[0], `**变更审批**（${escapeMd(who)}提出）：${escapeMd(diff.join('；'))}\n新增事项：${concern.map(escapeMd).join('；')}${reasonText ? `\n情况说明：${escapeMd(reasonText)}` : ''}\n审批前按原批准方案办理；同意后变更生效。`);
  await ctx.enqueue({ op: 'send', to: whereOf(ctx, r), message: { kind: 'text', text: `【接待变更待审批】${r.code}（${who}）：${diff.join('；')}。审批前仍按原批准方案办理。` } });
  const view = viewOf(ctx.org, fresh, await roundSteps(ctx.tx, fresh));
  return { toast: { type: 'success', content: '已提交变更，待审批' }, card: buildReceptionStatusCard(view, { title: `接待变更：${r.code}`, outcome: `变更待审批：${diff.join('；')}`, template: 'orange' }) };
}

function shiftNote(before: ReceptionRequest, after: ReceptionRequest): string {
  const shift = days(String(before.arrive_date), String(after.arrive_date));
  return shift ? `。未办结任务时限相应${shift > 0 ? '顺延' : '提前'}${Math.abs(shift)}天` : '';
}

/** Puts changed facts in force: the form and findings, open tasks moved with the arrival date (their reminders too), the plan cards redrawn. */
export async function applyChange(ctx: Ctx, r: Reception, change: PendingChange): Promise<void> {
  const before = r.form;
  await ctx.tx
    .update(receptions)
    .set({ form: change.form, findings: change.findings, reason: change.reason, extraLevel: change.extraLevel, state: 'approved', pendingChange: null, updatedAt: ctx.now })
    .where(eq(receptions.id, r.id));
  await ctx.audit({ actor: change.by, entity: 'reception', entityId: r.code, action: 'change', from: r.state, to: 'approved', reason: change.diff.join('；') });
  await recordInLedger(ctx.tx, ctx.policy, { ...r, form: change.form, findings: change.findings }, { status: 'approved', now: ctx.now });
  const shift = days(String(before.arrive_date), String(change.form.arrive_date));
  if (shift) {
    const open = await ctx.tx.select().from(tasks).where(and(eq(tasks.receptionId, r.id), eq(tasks.status, 'open')));
    const moved = [];
    for (const t of open) {
      const [m] = await ctx.tx.update(tasks).set({ dueAt: new Date(t.dueAt.getTime() + shift * 86_400_000) }).where(eq(tasks.id, t.id)).returning();
      moved.push(m);
    }
    await scheduleTaskJobs(ctx, moved);
  }
  await refreshPlanCards(ctx, (await findReception(ctx.tx, r.code))!);
  // The leaders' events move with the dates; a leader the change no longer has loses theirs, a new one gets one.
  await syncLeaderCalendars(ctx, { ...r, form: change.form }, leaderIds(ctx, r));
}

/** A change's approval ended without approval (驳回, 退回修改, or withdrawn): the approved facts stay in force. */
export async function dropChange(ctx: Ctx, r: Reception, outcome: string): Promise<void> {
  await ctx.tx.update(receptions).set({ state: 'approved', pendingChange: null, updatedAt: ctx.now }).where(eq(receptions.id, r.id));
  r.state = 'approved';
  await ctx.enqueue({ op: 'send', to: whereOf(ctx, r), message: { kind: 'text', text: `【接待变更未生效】${r.code}：${outcome}。继续按原批准方案办理。` } });
}

export { shiftNote, whereOf };
