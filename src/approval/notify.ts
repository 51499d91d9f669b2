import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import { buildApprovalCard, buildReceptionStatusCard } from '../reception/reception-cards.js';
import type { Card, HeaderColour } from '../cards/card.js';
import { hot, setPlaceholder } from '../db/hot.js';
import { approvals } from '../db/schema/index.js';
import { scheduleJobs } from '../jobs/scheduler.js';
import { activeDelegates, type Approval, type Reception, roundSteps, viewOf } from '../reception/store.js';
import { addWorkingHours, localDate } from '../lib/working-time.js';
import { nameOf } from '../org/access.js';
import { stateLabel } from '../reception/state-labels.js';
import { mayStandIn, proposerOf } from './authority.js';
import { updateCcCards } from './cc.js';
import { syncApprovalCenter } from './center/sync.js';

type Ctx = Pick<HandlerContext, 'tx' | 'org' | 'policy' | 'config' | 'now' | 'enqueue'>;

/**
 * Sends the pending step's card to its approver (and a copy to each active delegate), records the
 * outbox rows on the step so later outcomes can patch every copy, and schedules the reminder and
 * the escalation as durable jobs keyed by step and approver (so each is sent once).
 */
export async function sendApprovalCards(ctx: Ctx, r: Reception, step: Approval, note?: string, known?: Approval[]): Promise<void> {
  const steps = known ?? (await roundSteps(ctx.tx, r));
  const view = viewOf(ctx.org, r, steps);
  // 转交 may go to anyone in the org but the requester, the change's proposer and the person who holds the step now.
  const proposer = proposerOf(r);
  const people = ctx.org.people.filter((p) => p.id !== r.requester && p.id !== proposer && p.id !== step.approver).map(({ id, name, department }) => ({ id, name, department }));
  // 退回修改 may go back to any earlier level of the round.
  const returnTargets = steps.filter((s) => s.round === step.round && s.step < step.step).map((s) => `第${s.step}级：${s.role} ${nameOf(ctx.org, s.approver)}`);
  const card = buildApprovalCard(view, { approvalId: step.id, round: r.round, people, note, returnTargets });
  const today = localDate(ctx.now, ctx.config.timeZone);
  const approverName = nameOf(ctx.org, step.approver);
  const wh = { start: ctx.policy.reminders.working_hours.start, end: ctx.policy.reminders.working_hours.end, workdays: ctx.policy.reminders.workdays };
  const tz = ctx.config.timeZone;
  // `since` ties the job to this stay of the step with this approver: after 转交 and back, old jobs stay silent.
  const payload = { approvalId: step.id, approver: step.approver, since: ctx.now.toISOString() };
  // Independent statements go out together (pipelined on PostgreSQL); the step records its card's
  // outbox row in the same round trip, and again below only if delegates get copies.
  const first: string = randomUUID();
  const [, , delegates] = await Promise.all([
    ctx.enqueue({ op: 'send', to: { type: 'user', id: step.approver }, message: { kind: 'card', card } }, first),
    setCardRefs(ctx.tx, { id: step.id, cardRefs: [...step.cardRefs, first] }),
    activeDelegates(ctx.tx, step.approver, today),
    scheduleJobs(ctx.tx, [
      { kind: 'approval.remind', runAt: addWorkingHours(ctx.now, ctx.policy.reminders.approval_remind_after_hours, wh, tz), payload, uniqueKey: `approval.remind:${step.id}:${step.approver}:${ctx.now.toISOString()}` },
      { kind: 'approval.escalate', runAt: addWorkingHours(ctx.now, ctx.policy.reminders.approval_escalate_after_hours, wh, tz), payload, uniqueKey: `approval.escalate:${step.id}:${step.approver}:${ctx.now.toISOString()}` },
    ]),
  ]);
  const refs = [first];
  // A delegate gets no copy they could not act on: not the requester or the change's proposer
  // standing in for their own approver, nor someone who holds or has acted on another level of this round.
  for (const delegate of delegates.filter((d) => mayStandIn(r, steps, step, d))) {
    const copy = buildApprovalCard(view, { approvalId: step.id, round: r.round, people, returnTargets, note: `您正代理${approverName}审批，操作将记录为“代${approverName}”。` });
    refs.push(await ctx.enqueue({ op: 'send', to: { type: 'user', id: delegate }, message: { kind: 'card', card: copy } }));
  }
  if (refs.length > 1) await setCardRefs(ctx.tx, { id: step.id, cardRefs: [...step.cardRefs, ...refs] });
}

const setCardRefs = hot('approval_card_refs', (ex) => ex.update(approvals).set({ cardRefs: setPlaceholder('cardRefs') }).where(eq(approvals.id, sql.placeholder('id'))));

/** Replaces every copy of a step's card, and the requester's status card, with a card that only reports. */
export async function patchCards(ctx: Ctx, r: Reception, cardRefs: string[], outcome: { title: string; text: string; template: HeaderColour }, known?: Approval[]): Promise<void> {
  if (!cardRefs.length) return;
  const steps = known ?? (await roundSteps(ctx.tx, r));
  const card = buildReceptionStatusCard(viewOf(ctx.org, r, steps), { title: outcome.title, outcome: outcome.text, template: outcome.template });
  for (const sentBy of cardRefs) await ctx.enqueue({ op: 'update_card', sentBy, card });
}

/**
 * The requester's status card (the message that held their form), every 抄送 copy and the request in
 * Feishu's 审批 center, updated as the chain moves: every transition after submission comes here.
 */
export async function updateStatusCard(ctx: Ctx, r: Reception, known?: Approval[]): Promise<void> {
  const steps = known ?? (r.statusMessageId || r.ccCards.length ? await roundSteps(ctx.tx, r) : []);
  if (r.statusMessageId) await ctx.enqueue({ op: 'update_card', messageId: r.statusMessageId, card: await statusCard(ctx, r, steps) });
  await updateCcCards(ctx, r, steps);
  await syncApprovalCenter(ctx, r);
}

/** What the requester's status card shows now. */
export async function statusCard(ctx: Ctx, r: Reception, known?: Approval[]): Promise<Card> {
  const steps = known ?? (await roundSteps(ctx.tx, r));
  const pending = steps.find((s) => s.status === 'pending');
  const text =
    (r.state === 'pending' || r.state === 'change_pending') && pending
      ? `${stateLabel(r.state)}：等待${pending.role}${nameOf(ctx.org, pending.approver)}审批`
      : `当前状态：${stateLabel(r.state)}`;
  const template: HeaderColour = r.state === 'approved' ? 'green' : r.state === 'pending' ? 'blue' : r.state === 'rejected' ? 'red' : 'grey';
  return buildReceptionStatusCard(viewOf(ctx.org, r, steps), { title: `我的接待申请：${r.code}`, outcome: text, template });
}
