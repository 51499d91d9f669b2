// 退回修改 to an earlier level of the round (as Feishu Approval's 退回到任意节点): that level
// approves again, and the chain climbs from there. Returning to the requester stays in
// act-on-approval.ts; where the resubmission then starts is the policy's approval.resume.
import { eq } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import type { CardActionResult } from '../chat/event.js';
import { approvals } from '../db/schema/index.js';
import { buildReceptionStatusCard } from '../reception/reception-cards.js';
import { type Approval, type Reception, viewOf } from '../reception/store.js';
import { escapeMd } from '../cards/elements.js';
import { nameOf } from '../org/access.js';
import { patchCards, sendApprovalCards, updateStatusCard } from './notify.js';

/**
 * The return target the card's 退回对象 select names: 0 the requester (also when nothing was
 * chosen), N the level "第N级：…", undefined anything else.
 */
export function returnTargetOf(raw: unknown): number | undefined {
  const v = String(Array.isArray(raw) ? (raw[0] ?? '') : (raw ?? '')).trim();
  if (!v || v === '申请人') return 0;
  const m = /^第(\d{1,2})级/.exec(v);
  return m ? Number(m[1]) : undefined;
}

/**
 * Sends the step back to level `target` of the same round: `step` and every level from the target
 * on wait again with their earlier acts cleared (the audit keeps them), the target gets a new card.
 */
export async function returnToLevel(
  ctx: HandlerContext,
  r: Reception,
  current: Approval[],
  step: Approval,
  target: Approval,
  who: { actor: string; comment: string; audit: (action: string, from: string, to: string, detail?: Record<string, unknown>) => Promise<void> },
): Promise<CardActionResult> {
  const cleared = { actedBy: null, onBehalfOf: null, comment: null, actedAt: null, cardRefs: [] as string[] };
  const steps = current.map((s): Approval => {
    if (s.step === target.step) return { ...s, ...cleared, status: 'pending', pendingSince: ctx.now };
    if (s.step > target.step && s.step <= step.step) return { ...s, ...cleared, status: 'waiting', pendingSince: null };
    return s;
  });
  for (const s of steps.filter((x) => x.step >= target.step && x.step <= step.step)) {
    await ctx.tx.update(approvals).set({ status: s.status, actedBy: null, onBehalfOf: null, comment: null, actedAt: null, cardRefs: [], pendingSince: s.pendingSince }).where(eq(approvals.id, s.id));
  }
  const targetName = nameOf(ctx.org, target.approver);
  const label = `第${target.step}级${target.role}${targetName}`;
  await who.audit('return', r.state, `${r.state}:${target.step}`, { toStep: target.step, to: target.approver });
  await patchCards(ctx, r, step.cardRefs, { title: `接待审批：${r.code}`, text: `${who.actor}：退回修改至${label}（${who.comment}）`, template: 'grey' }, steps);
  const again = steps.find((s) => s.id === target.id)!;
  await sendApprovalCards(ctx, r, again, `**${escapeMd(who.actor)}将此审批退回您重新审批。**理由：${escapeMd(who.comment)}`, steps);
  await updateStatusCard(ctx, r, steps);
  const card = buildReceptionStatusCard(viewOf(ctx.org, r, steps), { title: `接待审批：${r.code}`, outcome: `您已退回修改至${label}`, template: 'grey' });
  return { toast: { type: 'success', content: `已退回${label}` }, card };
}
