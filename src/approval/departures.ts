// People leaving: when the reloaded org file no longer names someone, the approval steps waiting on
// them go to the office director (the requester is told), and delegations to or from them end.
import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import { approvals, auditLog, delegations, receptions } from '../db/schema/index.js';
import { AWAITING_APPROVAL, findReception, roundSteps } from '../reception/store.js';
import { nameOf } from '../org/access.js';
import { holdsOtherLevel } from './authority.js';
import { patchCards, sendApprovalCards, updateStatusCard } from './notify.js';

type Ctx = Pick<HandlerContext, 'tx' | 'org' | 'policy' | 'config' | 'now' | 'enqueue'>;

/** The bot itself, as the actor of what it does on its own (shown as 接待助手 in 查看). */
export const BOT_ACTOR = '接待助手';

export async function handDepartures(ctx: Ctx, gone: { id: string; name: string }[]): Promise<{ moved: number; delegationsEnded: number }> {
  const ids = gone.map((g) => g.id);
  if (!ids.length) return { moved: 0, delegationsEnded: 0 };
  const goneName = (id: string) => gone.find((g) => g.id === id)?.name ?? id;
  const ended = await ctx.tx
    .update(delegations)
    .set({ cancelledAt: ctx.now })
    .where(and(isNull(delegations.cancelledAt), or(inArray(delegations.principal, ids), inArray(delegations.delegate, ids))))
    .returning();
  for (const d of ended) {
    await ctx.tx.insert(auditLog).values({ actor: BOT_ACTOR, entity: 'delegation', entityId: String(d.id), action: 'cancel', reason: `${goneName(ids.includes(d.principal) ? d.principal : d.delegate)}已不在本单位人员名单中`, at: ctx.now });
  }

  const waiting = await ctx.tx
    .select({ code: receptions.code })
    .from(approvals)
    .innerJoin(receptions, eq(receptions.id, approvals.receptionId))
    .where(and(eq(approvals.status, 'pending'), inArray(approvals.approver, ids), inArray(receptions.state, AWAITING_APPROVAL)));
  let moved = 0;
  const director = ctx.org.reception_office.director;
  for (const { code } of waiting) {
    const r = await findReception(ctx.tx, code, { lock: true });
    if (!r || !AWAITING_APPROVAL.includes(r.state)) continue;
    const steps = await roundSteps(ctx.tx, r);
    const step = steps.find((s) => s.status === 'pending' && ids.includes(s.approver));
    if (!step) continue;
    // The office director takes it, unless they filed it or hold another level: then the principal leader.
    const to = [director, ctx.org.principal].find((p) => p && p !== r.requester && p !== r.pendingChange?.by && !holdsOtherLevel(steps, step, p));
    if (!to) continue;
    const was = step.approver;
    await ctx.tx.update(approvals).set({ approver: to, cardRefs: [], pendingSince: ctx.now }).where(eq(approvals.id, step.id));
    const now = steps.map((s) => (s.id === step.id ? { ...s, approver: to, cardRefs: [], pendingSince: ctx.now } : s));
    await ctx.tx.insert(auditLog).values({ actor: BOT_ACTOR, entity: 'reception', entityId: r.code, action: 'transfer', fromState: r.state, toState: r.state, reason: `${goneName(was)}已不在本单位人员名单中`, detail: { step: step.step, role: step.role, from: was, to }, at: ctx.now });
    await patchCards(ctx, r, step.cardRefs, { title: `接待审批：${r.code}`, text: `${goneName(was)}已不在本单位人员名单中，已转由${nameOf(ctx.org, to)}审批`, template: 'grey' }, now);
    await sendApprovalCards(ctx, r, now.find((s) => s.id === step.id)!, `原审批人${goneName(was)}已不在本单位人员名单中，此审批转由您办理。`, now);
    await updateStatusCard(ctx, r, now);
    await ctx.enqueue({ op: 'send', to: { type: 'user', id: r.requester }, message: { kind: 'text', text: `您提交的接待申请${r.code}原由${step.role}${goneName(was)}审批，因其已不在本单位人员名单中，已转由${nameOf(ctx.org, to)}审批。` } });
    moved++;
  }
  return { moved, delegationsEnded: ended.length };
}
