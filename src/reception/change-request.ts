import { and, eq } from 'drizzle-orm';
import type { HandlerContext } from '../bot/context.js';
import type { CardActionEvent, CardActionResult, MessageEvent } from '../bot/event.js';
import { buildReceptionStatusCard } from '../cards/reception-cards.js';
import { buildRequestFormCard } from '../cards/request-form-card.js';
import { escapeMd } from '../cards/elements.js';
import { approvals, receptions, tasks } from '../db/schema.js';
import { checkRequest } from '../rules/check-request.js';
import { sortFindings } from '../rules/finding.js';
import { readRequest } from '../rules/read-request.js';
import { buildChain } from './chain.js';
import { sendApprovalCards } from './notify.js';
import { refreshPlanCards, scheduleTaskJobs } from './plan.js';
import { CODE_PATTERN, findReception, roundSteps, viewOf } from './store.js';
import { formValues } from './submit-request.js';

const LIVE = ['approved', 'in_progress'];
const LABELS: Record<string, string> = {
  guest_unit: '来访单位', lead_name: '带队领导', lead_title: '职务', lead_rank: '级别', guest_count: '来访人数', kind: '接待类型', purpose: '事由',
  purpose_detail: '活动安排', arrive_date: '到达日期', depart_date: '离开日期', letter_no: '公函文号', working_meal: '工作餐', accompany_count: '陪餐人数',
  lodging: '住宿', rooms: '房间数', vehicles: '用车', notes: '饮食禁忌等',
};

const mayChange = (ctx: HandlerContext, r: { requester: string }, who: string) =>
  who === r.requester || who === ctx.org.reception_office.director || ctx.org.reception_office.staff.includes(who);

/** 变更 JD-…: the requester or the office gets the approved request back as a form to change. */
export async function onChangeCommand(event: MessageEvent, ctx: HandlerContext, args: string): Promise<void> {
  const code = args.trim().split(/\s+/)[0]?.toUpperCase() ?? '';
  const say = (text: string) => ctx.say({ kind: 'text', text });
  if (!CODE_PATTERN.test(code)) return void (await say('格式：变更 JD-2026-0001'));
  const r = await findReception(ctx.tx, code);
  if (!r || !mayChange(ctx, r, event.senderId)) return void (await say(`未找到接待${code}，或您无权变更。`));
  if (!LIVE.includes(r.state)) return void (await say(`接待${code}当前不是已批准状态，不能变更；审批中的申请请先撤回。`));
  const card = buildRequestFormCard({ values: formValues(r.form as Record<string, unknown>), notice: `**变更接待${escapeMd(code)}**：修改后提交。人数、日期、级别等变更如触及接待标准，将按规定重新审批；方案时限随日期顺延。` });
  const submit = JSON.parse(JSON.stringify(card).replace('"action":"request.submit"', `"action":"request.change","code":${JSON.stringify(code)}`));
  await ctx.say({ kind: 'card', card: submit });
}

const days = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

/**
 * request.change: an approved reception's facts change. The new facts are checked like a request;
 * open tasks move with the arrival date; the group is told what changed; and a change that brings a
 * finding the approved request did not have goes back for approval (to the office director).
 */
export async function onRequestChange(event: CardActionEvent, ctx: HandlerContext): Promise<CardActionResult> {
  const code = typeof event.value.code === 'string' ? event.value.code : '';
  const r = await findReception(ctx.tx, code, { lock: true });
  if (!r || !mayChange(ctx, r, event.operatorId)) return { toast: { type: 'error', content: `未找到接待${code}，或您无权变更。` } };
  if (!LIVE.includes(r.state)) return { toast: { type: 'error', content: `接待${code}当前不是已批准状态，不能变更。` } };
  const raw = event.formValue ?? {};
  const read = readRequest(raw);
  const again = (content: string, findings = read.findings) => {
    const errors: Record<string, string> = {};
    for (const f of findings) if (f.field && !errors[f.field]) errors[f.field] = f.message;
    const card = buildRequestFormCard({ values: formValues(raw), errors, findings: findings.filter((f) => !f.field), notice: `**变更接待${escapeMd(code)}**` });
    return { toast: { type: 'error' as const, content }, card: JSON.parse(JSON.stringify(card).replace('"action":"request.submit"', `"action":"request.change","code":${JSON.stringify(code)}`)) };
  };
  if (!read.value) return again(`有${read.findings.length}处需要修改。`);
  const findings = sortFindings(checkRequest(read.value, ctx.policy, ctx.now, { timeZone: ctx.config.timeZone }));
  const blocks = findings.filter((f) => f.severity === 'block');
  if (blocks.length) return again(`不能变更：${blocks[0].message}`, findings);

  const before = r.form as Record<string, unknown>;
  const after = read.value as unknown as Record<string, unknown>;
  const changed = Object.keys(LABELS).filter((k) => String(before[k] ?? '') !== String(after[k] ?? ''));
  if (!changed.length) return { toast: { type: 'info', content: '未发现变更内容。' } };
  const diff = changed.map((k) => `${LABELS[k]}：${String(before[k] ?? '') || '无'} → ${String(after[k] ?? '') || '无'}`);
  const oldRules = new Set((r.findings as { rule: string; severity: string }[]).filter((f) => f.severity !== 'info').map((f) => f.rule));
  const newConcern = findings.filter((f) => f.severity === 'reason' && !oldRules.has(f.rule));
  const reapprove = newConcern.length > 0;

  await ctx.tx.update(receptions).set({ form: after, findings, updatedAt: ctx.now, ...(reapprove ? { state: 'pending', round: r.round + 1 } : {}) }).where(eq(receptions.id, r.id));
  await ctx.audit({ actor: event.operatorId, entity: 'reception', entityId: r.code, action: 'change', from: r.state, to: reapprove ? 'pending' : r.state, reason: diff.join('；') });

  // Open tasks keep their distance to the arrival date.
  const shift = days(String(before.arrive_date), String(after.arrive_date));
  if (shift) {
    const open = await ctx.tx.select().from(tasks).where(and(eq(tasks.receptionId, r.id), eq(tasks.status, 'open')));
    const moved = [];
    for (const t of open) {
      const [m] = await ctx.tx.update(tasks).set({ dueAt: new Date(t.dueAt.getTime() + shift * 86_400_000) }).where(eq(tasks.id, t.id)).returning();
      moved.push(m);
    }
    await scheduleTaskJobs(ctx, moved);
  }
  const fresh = (await findReception(ctx.tx, r.code))!;
  await refreshPlanCards(ctx, fresh);
  const where = fresh.groupRef ? ({ type: 'created_chat', sentBy: fresh.groupRef } as const) : ({ type: 'chat', id: ctx.org.reception_office.chat_id } as const);
  const who = ctx.org.person(event.operatorId)?.name ?? event.operatorId;
  await ctx.enqueue({ op: 'send', to: where, message: { kind: 'text', text: `【接待变更】${r.code}（${who}）：${diff.join('；')}${shift ? `。未办结任务时限相应${shift > 0 ? '顺延' : '提前'}${Math.abs(shift)}天` : ''}${reapprove ? '。变更须重新审批，审批通过前方案任务暂停办理。' : '。'}` } });

  if (reapprove) {
    // The level the policy names re-approves (the requester's own level is skipped like in the chain).
    const wanted = ctx.policy.plan.reapproval_level;
    const chain = buildChain(ctx.org, fresh.requester, { extraLevel: wanted === 4 });
    const level = chain.find((s) => s.levels.includes(wanted)) ?? chain.find((s) => s.levels.some((l) => l > wanted)) ?? chain[chain.length - 1];
    const [step] = await ctx.tx
      .insert(approvals)
      .values({ receptionId: fresh.id, round: fresh.round, step: 1, levels: level.levels, role: level.role, approver: level.approver, status: 'pending', createdAt: ctx.now, pendingSince: ctx.now })
      .returning();
    await sendApprovalCards(ctx, fresh, step, `**变更后重新审批**：${escapeMd(diff.join('；'))}${newConcern.length ? `\n新增事项：${newConcern.map((f) => escapeMd(f.message)).join('；')}` : ''}`);
  }
  const view = viewOf(ctx.org, fresh, await roundSteps(ctx.tx, fresh));
  return {
    toast: { type: 'success', content: reapprove ? '已提交变更，待重新审批' : '已变更' },
    card: buildReceptionStatusCard(view, { title: `接待变更：${r.code}`, outcome: reapprove ? `变更待重新审批：${diff.join('；')}` : `已变更：${diff.join('；')}`, template: reapprove ? 'orange' : 'green' }),
  };
}
