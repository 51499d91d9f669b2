// 取消接待 JD-… 理由: an approved reception called off (the guests' trip changed), until its settlement
// starts. 撤回 ends a request before its final approval; this ends the visit after it. One
// transaction: the state and its audit row, a change waiting for approval dropped with its cards,
// the plan's open tasks cancelled and its cards redrawn, the group (or the office chat), the
// requester and the approvers told, the status card and 抄送 copies, the leaders' calendars, the
// ledger and the guest history, the 审批 center; every message through the outbox.
import { and, eq, inArray, lt } from 'drizzle-orm';
import type { HandlerContext } from '../../chat/context.js';
import type { MessageEvent } from '../../chat/event.js';
import type { CreatedChat } from '../../chat/outbox.js';
import { approvalCenterInstances, approvals, receptions, type ReceptionState } from '../../db/schema/index.js';
import { cut } from '../../lib/text.js';
import { isOffice, nameOf } from '../../org/access.js';
import { codeArg } from '../../reception/code-arg.js';
import { dropFromLedger } from '../../reception/ledger-sync.js';
import { stateLabel } from '../../reception/state-labels.js';
import { type Approval, findReception, type Reception, roundSteps } from '../../reception/store.js';
import { cancelPlan } from '../../plan/plan.js';
import { forgetVisit } from '../../request/guest-history.js';
import { dropLeaderCalendars } from '../../calendar/calendar-sync.js';
import { updateCcCards } from '../cc.js';
import { centerInstanceId, centerSyncOn, resyncApprovalCenter, syncApprovalCenter } from '../center/sync.js';
import { patchCards, statusCard } from '../notify.js';

/** States from which a reception may be called off: approved, a change waiting for approval included. */
const CANCELLABLE: ReceptionState[] = ['approved', 'in_progress', 'change_pending'];

/** Why a reception in this state cannot be called off, in the words the person reads. */
function refusal(r: Reception): string {
  switch (r.state) {
    case 'cancelled':
      return `接待${r.code}已取消，无需重复操作。`;
    case 'settling':
    case 'settled':
      return `接待${r.code}已进入结算，不能取消。`;
    case 'pending':
    case 'returned':
      return `接待申请${r.code}尚未审批完成，不能取消；如不再办理，请由申请人发送“撤回 ${r.code}”。`;
    default:
      return `接待${r.code}当前状态为“${stateLabel(r.state)}”，无需取消。`;
  }
}

/** The reason after the code: "取消接待 JD-2026-0001 理由：来宾行程调整" gives "来宾行程调整". */
export function cancelReason(args: string): string {
  const rest = args.trim().replace(/^\S+/, '');
  return cut(rest.replace(/^[\s:：,，、。]*(?:(?:取消)?(?:理由|原因)[\s:：,，是为]*)?/, '').trim(), 200);
}

/**
 * Who approved the reception as it stands (every round of which each level said 同意: the request
 * and any change approved since) and who has a change of it waiting: told of the cancellation.
 */
async function approversOf(ctx: HandlerContext, r: Reception, current: Approval[]): Promise<{ approved: string[]; waiting: string[] }> {
  const earlier = await ctx.tx.select().from(approvals).where(and(eq(approvals.receptionId, r.id), lt(approvals.round, r.round)));
  const all = [...earlier, ...current];
  const rounds = [...new Set(all.map((s) => s.round))];
  const approvedRounds = rounds.filter((n) => all.filter((s) => s.round === n).every((s) => s.status === 'approved'));
  const waiting = [...new Set(current.filter((s) => s.status === 'pending').map((s) => s.approver))];
  const approved = [...new Set(all.filter((s) => approvedRounds.includes(s.round)).map((s) => s.approver))].filter((id) => !waiting.includes(id));
  return { approved, waiting };
}

export async function onCancelReception(event: MessageEvent, ctx: HandlerContext, args: string): Promise<void> {
  const say = (text: string) => ctx.say({ kind: 'text', text });
  const code = await codeArg(event, ctx, args, '取消接待');
  if (!code) return;
  const reason = cancelReason(args);
  if (!reason) return void (await say(`请写明取消理由，例如：取消接待 ${code} 来宾行程调整，本次来访取消`));
  const who = event.senderId;
  const r = await findReception(ctx.tx, code, { lock: true });
  if (!r || (r.requester !== who && !isOffice(ctx.org, who))) return void (await say(`未找到接待${code}，或您无权取消。取消接待由申请人或接待办办理。`));
  if (!CANCELLABLE.includes(r.state)) return void (await say(refusal(r)));

  const from = r.state;
  const byName = nameOf(ctx.org, who);
  const unit = String(r.form.guest_unit ?? '');
  const before = await roundSteps(ctx.tx, r);
  const tell = await approversOf(ctx, r, before);
  // A change waiting for approval goes with the reception: its open levels end as withdrawn.
  const open = from === 'change_pending' ? before.filter((s) => s.status === 'pending' || s.status === 'waiting') : [];
  if (open.length) await ctx.tx.update(approvals).set({ status: 'withdrawn' }).where(inArray(approvals.id, open.map((s) => s.id)));
  const steps = before.map((s) => (open.some((o) => o.id === s.id) ? { ...s, status: 'withdrawn' as const } : s));
  const change = r.pendingChange;
  await ctx.tx.update(receptions).set({ state: 'cancelled', pendingChange: null, updatedAt: ctx.now }).where(eq(receptions.id, r.id));
  Object.assign(r, { state: 'cancelled', pendingChange: null, updatedAt: ctx.now });
  await ctx.audit({ actor: who, entity: 'reception', entityId: r.code, action: 'cancel', from, to: 'cancelled', reason });

  // The change's approval cards report instead of asking.
  await patchCards(ctx, r, open.flatMap((s) => s.cardRefs), { title: `接待审批：${r.code}`, text: `接待已由${byName}取消，变更无需审批`, template: 'grey' }, steps);
  // The plan: open tasks cancelled (no more reminders or digest lines), checklist and pinned progress card redrawn.
  const dropped = await cancelPlan(ctx, r);
  // Not a reception that took place: out of the ledger (statistics, 公开, 导出) and the guest history.
  await dropFromLedger(ctx.tx, r.id);
  await forgetVisit(ctx.tx, r.id);
  await dropLeaderCalendars(ctx, r);

  const where: CreatedChat | { type: 'chat'; id: string } = r.groupRef ? { type: 'created_chat', sentBy: r.groupRef } : { type: 'chat', id: ctx.org.reception_office.chat_id };
  await ctx.enqueue({ op: 'send', to: where, message: { kind: 'text', text: `【接待取消】接待${r.code}已取消：${reason}（${byName}）` } });
  if (r.requester !== who) await ctx.send({ type: 'user', id: r.requester }, { kind: 'text', text: `您提交的接待${r.code}（${unit}）已由${byName}取消。理由：${reason}` });
  for (const id of tell.approved.filter((x) => x !== who && x !== r.requester)) {
    await ctx.send({ type: 'user', id }, { kind: 'text', text: `您审批同意的接待${r.code}（${unit}）已由${byName}取消。理由：${reason}` });
  }
  for (const id of tell.waiting.filter((x) => x !== who && x !== r.requester)) {
    await ctx.send({ type: 'user', id }, { kind: 'text', text: `接待${r.code}（${unit}）已由${byName}取消，待您审批的变更无需审批。理由：${reason}` });
  }

  // The requester's status card, the 抄送 copies and the 审批 center: the request (and a change under approval) 已撤回.
  if (r.statusMessageId) await ctx.enqueue({ op: 'update_card', messageId: r.statusMessageId, card: await statusCard(ctx, r, steps) });
  await updateCcCards(ctx, r, steps);
  if (change) await syncApprovalCenter(ctx, { ...r, pendingChange: change }, { change: true });
  if (centerSyncOn(ctx.config)) {
    const request = centerInstanceId(r.code, undefined);
    const [known] = await ctx.tx.select({ id: approvalCenterInstances.instanceId }).from(approvalCenterInstances).where(eq(approvalCenterInstances.instanceId, request));
    if (known) await resyncApprovalCenter(ctx, request);
  }

  const done = dropped ? `未办结的${dropped}项任务已随之取消，` : '';
  await say(`接待${r.code}已取消。${done}已通知${r.groupRef ? '接待工作群' : '接待办'}及相关人员。`);
}
