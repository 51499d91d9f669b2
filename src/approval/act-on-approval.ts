import { eq } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import { errorToast as error, type CardActionEvent, type CardActionResult } from '../chat/event.js';
import { buildReceptionStatusCard } from '../reception/reception-cards.js';
import { buildRequestFormCard, ccPeople } from '../request/request-form-card.js';
import { libraryChoices } from '../places/request-library.js';
import { escapeMd } from '../cards/elements.js';
import { cut } from '../lib/text.js';
import { hot, setPlaceholder } from '../db/hot.js';
import { approvals, receptions, type ApprovalStatus } from '../db/schema/index.js';
import { recordVisit } from '../request/guest-history.js';
import { recordInLedger } from '../reception/ledger-sync.js';
import { holdsOtherLevel, proposerOf } from './authority.js';
import { patchCards, sendApprovalCards, updateStatusCard } from './notify.js';
import { sendCcCards } from './cc.js';
import { returnTargetOf, returnToLevel } from './return-to-level.js';
import { insertStep, readAddSigner } from './add-signer.js';
import { startPlan } from '../plan/plan.js';
import { syncLeaderCalendars } from '../calendar/calendar-sync.js';
import { applyChange, dropChange, shiftNote, whereOf } from './change-request.js';
import { activeDelegates, AWAITING_APPROVAL, lockForAct, viewOf } from '../reception/store.js';
import { stateLabel } from '../reception/state-labels.js';
import { nameOf } from '../org/access.js';
import { formValues } from './submit-request.js';
import { localDate } from '../lib/working-time.js';

const DECISIONS = { approve: '同意', reject: '驳回', return: '退回修改', transfer: '转交', add: '加签' } as const;
type Decision = keyof typeof DECISIONS;

// The statements every tap runs, built once (src/db/hot.ts).
const p = setPlaceholder;
const recordAct = hot('approval_act', (ex) =>
  ex.update(approvals).set({ status: p('status'), actedBy: p('actedBy'), onBehalfOf: p('onBehalfOf'), comment: p('comment'), actedAt: p('actedAt') }).where(eq(approvals.id, p('id'))),
);
const setPending = hot('approval_pending', (ex) => ex.update(approvals).set({ status: 'pending', pendingSince: p('pendingSince') }).where(eq(approvals.id, p('id'))));
const setState = hot('reception_state', (ex) => ex.update(receptions).set({ state: p('state'), updatedAt: p('updatedAt') }).where(eq(receptions.id, p('id'))));

/**
 * approval.act: one tap of 同意 / 驳回 / 退回修改 / 转交. The reception and the step are locked in
 * this transaction, and only a `pending` step of the current round moves, so two taps at once, or
 * a tap on an old card, make at most one transition.
 */
export async function onApprovalAct(event: CardActionEvent, ctx: HandlerContext): Promise<CardActionResult> {
  const { code, approval: approvalId, round, decision } = event.value;
  if (typeof code !== 'string' || typeof approvalId !== 'number' || typeof round !== 'number' || typeof decision !== 'string' || !Object.hasOwn(DECISIONS, decision)) {
    return error('卡片数据无效，未作任何更改。');
  }
  const { r, steps: locked } = await lockForAct(ctx.tx, code, approvalId);
  const step = locked.find((s) => s.id === approvalId);
  if (!r || !step || step.round !== round) return error('卡片信息与接待记录不符，未作任何更改。');
  let current = locked.filter((s) => s.round === r.round);

  const operator = event.operatorId;
  const name = (id: string) => nameOf(ctx.org, id);
  const view = () => viewOf(ctx.org, r, current);

  const awaiting = AWAITING_APPROVAL.includes(r.state);
  if (r.round !== round || step.status !== 'pending' || !awaiting) {
    const state = awaiting && r.round === round ? `本级已${step.status === 'approved' ? '同意' : '处理'}` : stateLabel(r.state);
    const card = buildReceptionStatusCard(view(), { title: `接待审批：${r.code}`, outcome: `该审批已处理（${state}），无需再次操作。`, template: 'grey' });
    return { toast: { type: 'info', content: `该审批已处理（${state}）。` }, card };
  }

  // The chain never gives a requester their own request, nor a change's proposer their own change; a delegation must not either.
  const proposer = proposerOf(r);
  if (operator === r.requester) return error('不能审批本人提交的接待申请。');
  if (operator === proposer) return error('不能审批本人提出的变更。');
  let onBehalfOf: string | undefined;
  if (operator !== step.approver) {
    const delegates = await activeDelegates(ctx.tx, step.approver, localDate(ctx.now, ctx.config.timeZone));
    if (!delegates.includes(operator)) return error(`您不是该审批的当前审批人（${name(step.approver)}），无权操作。`);
    // One person, one level, as for 转交: a delegate who holds or has acted on another level of this round cannot take this one.
    if (holdsOtherLevel(current, step, operator)) return error(`您已在本次审批中承担其他层级，不能再代${name(step.approver)}审批。`);
    onBehalfOf = step.approver;
  }
  const comment = cut(String(event.formValue?.comment ?? '').trim(), 500) || null;
  let d = decision as Decision;
  if ((d === 'reject' || d === 'return' || d === 'add') && !comment) return error(`${DECISIONS[d]}须在“意见”中填写理由。`);
  const actor = onBehalfOf ? `${name(operator)}（代${name(onBehalfOf)}）` : name(operator);
  const audit = (action: string, from: string, to: string, detail: Record<string, unknown> = {}) =>
    ctx.audit({ actor: operator, entity: 'reception', entityId: r.code, action, from, to, reason: comment ?? undefined, detail: { step: step.step, role: step.role, onBehalfOf, ...detail } });

  if (d === 'transfer') {
    const raw = event.formValue?.transfer_to;
    const target = Array.isArray(raw) ? String(raw[0] ?? '') : String(raw ?? '');
    if (!target) return error('转交须选择接收人。');
    if (!ctx.org.person(target)) return error('转交对象不在本单位人员名单中。');
    if (target === r.requester) return error('不能转交给申请人本人审批。');
    if (target === proposer) return error('不能转交给变更提出人本人审批。');
    if (target === step.approver) return error(`${name(target)}已是当前审批人。`);
    // One person, one level: whoever holds or has acted on another step of this round cannot take this one.
    if (holdsOtherLevel(current, step, target)) return error(`${name(target)}已在本次审批中承担其他层级，不能再转交其审批。`);
    const moved = { ...step, approver: target, cardRefs: [], pendingSince: ctx.now };
    await ctx.tx.update(approvals).set({ approver: target, cardRefs: [], pendingSince: ctx.now }).where(eq(approvals.id, step.id));
    await audit('transfer', 'pending', 'pending', { from: step.approver, to: target });
    await patchCards(ctx, r, step.cardRefs, { title: `接待审批：${r.code}`, text: `已由${actor}转交${name(target)}审批`, template: 'grey' }, current);
    const steps = current.map((s) => (s.id === step.id ? moved : s));
    await sendApprovalCards(ctx, r, moved, `${escapeMd(actor)}将此审批转交给您${comment ? `，意见：${escapeMd(comment)}` : ''}。`, steps);
    await updateStatusCard(ctx, r, steps);
    const card = buildReceptionStatusCard(viewOf(ctx.org, r, steps), { title: `接待审批：${r.code}`, outcome: `已转交${name(target)}审批`, template: 'grey' });
    return { toast: { type: 'success', content: `已转交${name(target)}` }, card };
  }

  if (d === 'add') {
    const add = readAddSigner(ctx, r, current, operator, event.formValue);
    if ('refused' in add) return error(add.refused);
    await audit('add_signer', r.state, r.state, { where: add.where, to: add.who });
    if (add.where === 'before') {
      // 前加签: the added person approves first; then the chain comes back to this level.
      const inserted = await insertStep(ctx, r, current, step.step, add.who, true);
      await ctx.tx.update(approvals).set({ status: 'waiting', cardRefs: [], pendingSince: null }).where(eq(approvals.id, step.id));
      const steps = inserted.map((s) => (s.id === step.id ? { ...s, status: 'waiting' as const, cardRefs: [], pendingSince: null } : s));
      await patchCards(ctx, r, step.cardRefs, { title: `接待审批：${r.code}`, text: `${actor}：前加签${name(add.who)}（${comment}）`, template: 'grey' }, steps);
      const added = steps.find((s) => s.approver === add.who)!;
      await sendApprovalCards(ctx, r, added, `**${escapeMd(actor)}请您先行审批（前加签），您审批后将回到${escapeMd(name(step.approver))}。**理由：${escapeMd(comment!)}`, steps);
      await updateStatusCard(ctx, r, steps);
      const card = buildReceptionStatusCard(viewOf(ctx.org, r, steps), { title: `接待审批：${r.code}`, outcome: `已前加签${name(add.who)}，其审批后回到您`, template: 'grey' });
      return { toast: { type: 'success', content: `已加签${name(add.who)}` }, card };
    }
    // 后加签: this level approves now, and the added person is the next level.
    current = await insertStep(ctx, r, current, step.step + 1, add.who, false);
    d = 'approve';
  }

  if (d === 'return') {
    // 退回修改 to the requester (nothing chosen) or to an earlier level of this round.
    const to = returnTargetOf(event.formValue?.return_to);
    const target = to ? current.find((s) => s.step === to && s.step < step.step) : undefined;
    if (to === undefined || (to > 0 && !target)) return error('只能退回申请人或本次审批中在您之前的层级，未作任何更改。');
    if (target) return returnToLevel(ctx, r, current, step, target, { actor, comment: comment!, audit });
  }

  const status: ApprovalStatus = d === 'approve' ? 'approved' : d === 'reject' ? 'rejected' : 'returned';
  // Independent statements go out together: on PostgreSQL they are pipelined on the transaction's connection.
  const acted = { status, actedBy: operator, onBehalfOf: onBehalfOf ?? null, comment, actedAt: ctx.now };
  const before = current.map((s) => (s.id === step.id ? { ...s, ...acted } : s));
  const next = d === 'approve' ? before.find((s) => s.step === step.step + 1) : undefined;
  const isChange = r.state === 'change_pending';
  const fromState = r.state;
  // A change's approval that ends, either way, leaves the reception approved (with or without the change).
  const newState = d === 'approve' ? (next ? r.state : 'approved') : isChange ? 'approved' : status;
  const stateChanges = newState !== r.state && !isChange;
  if (stateChanges) r.state = newState;
  const steps = before.map((s) => (next && s.id === next.id ? { ...s, status: 'pending' as const, pendingSince: ctx.now } : s));
  const outcome = `${actor}：${DECISIONS[d]}${comment ? `（${comment}）` : ''}`;
  const template = d === 'approve' ? 'green' : d === 'reject' ? 'red' : 'grey';
  // With a next level, its card and the requester's status card go out in the same round trip.
  await Promise.all([
    recordAct(ctx.tx, { id: step.id, ...acted }),
    stateChanges ? setState(ctx.tx, { id: r.id, state: newState, updatedAt: ctx.now }) : undefined,
    next ? setPending(ctx.tx, { id: next.id, pendingSince: ctx.now }) : undefined,
    audit(d, fromState, next ? `${fromState}:${next.step}` : newState),
    patchCards(ctx, r, step.cardRefs, { title: `接待审批：${r.code}`, text: outcome, template }, steps),
    next ? sendApprovalCards(ctx, r, { ...next, status: 'pending' }, undefined, steps) : undefined,
    next ? updateStatusCard(ctx, r, steps) : undefined,
  ]);

  // The tapped card, as it reads once the tap is done.
  const answer = (): CardActionResult => ({
    toast: { type: 'success', content: `已${DECISIONS[d]}` },
    card: buildReceptionStatusCard(viewOf(ctx.org, r, steps), { title: `接待审批：${r.code}`, outcome: `您已${DECISIONS[d]}${onBehalfOf ? `（代${name(onBehalfOf)}）` : ''}`, template }),
  });
  if (next) return answer(); // its card went out above

  // What ends the round: the change applied or dropped, the plan started, the requester told.
  if (isChange && d === 'approve' && r.pendingChange) {
    await applyChange(ctx, r, r.pendingChange);
    r.state = 'approved';
    await ctx.enqueue({ op: 'send', to: whereOf(ctx, r), message: { kind: 'text', text: `【变更已批准】${r.code}：${r.pendingChange.diff.join('；')}${shiftNote(r.form, r.pendingChange.form)}。已由${actor}审批同意，请按变更后的方案办理。` } });
    await ctx.send({ type: 'user', id: r.requester }, { kind: 'text', text: `接待${r.code}的变更已审批通过。` });
  } else if (isChange) {
    await dropChange(ctx, r, `变更已被${actor}${DECISIONS[d]}${comment ? `，理由：${comment}` : ''}`);
    await ctx.send({ type: 'user', id: r.requester }, { kind: 'text', text: `接待${r.code}的变更未获同意（${actor}${DECISIONS[d]}${comment ? `：${comment}` : ''}），原批准方案继续有效。` });
  } else if (newState === 'approved') {
    await startPlan(ctx, r);
    await syncLeaderCalendars(ctx, r); // the leaders' calendars, after the plan made the group their events link to
    await Promise.all([recordVisit(ctx.tx, r, ctx.now), recordInLedger(ctx.tx, ctx.policy, r, { status: 'approved', now: ctx.now })]);
    await ctx.send({ type: 'user', id: r.requester }, { kind: 'text', text: `您提交的接待申请${r.code}（${String(r.form.guest_unit ?? '')}）已审批通过。` });
  } else if (newState === 'rejected') {
    await ctx.send({ type: 'user', id: r.requester }, { kind: 'text', text: `您提交的接待申请${r.code}已被${actor}驳回。理由：${comment}` });
  } else if (newState === 'returned') {
    const form = buildRequestFormCard({ values: formValues(r.form), library: await libraryChoices(ctx.tx), resubmit: r.code, ccPeople: ccPeople(ctx.org, r.requester), cc: r.cc, notice: `**${escapeMd(r.code)}已被${escapeMd(actor)}退回修改。**\n理由：${escapeMd(comment ?? '')}\n${ctx.policy.approval.resume === 'returner' ? `修改后重新提交，将直接由${escapeMd(actor)}审批。` : '修改后重新提交，将从第一级重新审批。'}` });
    await ctx.send({ type: 'user', id: r.requester }, { kind: 'card', card: form });
  }
  await updateStatusCard(ctx, r, steps);
  // 抄送 on final approval (the policy's `when: final`), after the copies already out were updated.
  if (newState === 'approved' && !isChange) await sendCcCards(ctx, r, 'final', steps);
  return answer();
}
