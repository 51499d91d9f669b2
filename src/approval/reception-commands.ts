import { and, asc, desc, eq, gte, inArray, isNull } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import type { MessageEvent } from '../chat/event.js';
import { buildListCard, buildReceptionDetailCard } from '../reception/reception-cards.js';
import { escapeMd } from '../cards/elements.js';
import { approvals, auditLog, delegations, receptions } from '../db/schema/index.js';
import { dropChange } from './change-request.js';
import { mayStandIn } from './authority.js';
import { buildTodoCard, type BatchItem } from './batch-approve.js';
import { patchCards, updateStatusCard } from './notify.js';
import { syncApprovalCenter } from './center/sync.js';
import { AWAITING_APPROVAL, findReception, mayView, roundSteps, viewOf } from '../reception/store.js';
import { stateLabel } from '../reception/state-labels.js';
import { nameOf } from '../org/access.js';
import { settlementTodo } from '../settlement/settlement-todo.js';
import { reviewOf, reviewTodo } from '../review/review.js';
import { codeArg } from '../reception/code-arg.js';
import { historyLine } from './reception-history.js';
import { localDate } from '../lib/working-time.js';
import { dropLeaderCalendars } from '../calendar/calendar-sync.js';

type Handler = (event: MessageEvent, ctx: HandlerContext, args: string) => Promise<void>;
const text = (ctx: HandlerContext, t: string) => ctx.say({ kind: 'text', text: t });
const name = (ctx: HandlerContext, id: string) => nameOf(ctx.org, id);


export const onMyReceptions: Handler = async (event, ctx) => {
  const rows = await ctx.tx.select().from(receptions).where(eq(receptions.requester, event.senderId)).orderBy(desc(receptions.createdAt)).limit(20);
  const lines = rows.map((r) => {
    const f = r.form;
    return `- **${r.code}** ${escapeMd(String(f.guest_unit ?? ''))} ${escapeMd(String(f.arrive_date ?? ''))}：${stateLabel(r.state)}`;
  });
  await ctx.say({ kind: 'card', card: buildListCard('我的接待', lines, '您还没有提交过接待申请。发送“新建接待”填写接待审批单。') });
};

/** 待办: approvals waiting for me (or for someone I stand in for), oldest first. */
export const onTodo: Handler = async (event, ctx) => {
  const today = localDate(ctx.now, ctx.config.timeZone);
  const activePrincipals = (
    await ctx.tx
      .select({ principal: delegations.principal })
      .from(delegations)
      .where(and(eq(delegations.delegate, event.senderId), isNull(delegations.cancelledAt), gte(delegations.until, today)))
  ).map((d) => d.principal);
  const who = [event.senderId, ...activePrincipals];
  const rows = await ctx.tx
    .select({ step: approvals, code: receptions.code, round: receptions.round, form: receptions.form, findings: receptions.findings, requester: receptions.requester, pendingChange: receptions.pendingChange, role: approvals.role, approver: approvals.approver })
    .from(approvals)
    .innerJoin(receptions, eq(receptions.id, approvals.receptionId))
    .where(and(eq(approvals.status, 'pending'), inArray(receptions.state, AWAITING_APPROVAL), inArray(approvals.approver, who)))
    .orderBy(asc(approvals.pendingSince), asc(approvals.id));
  // Standing in for someone lists only what the delegate may act on: never their own request or
  // change, nor a level of a round in which they hold or took another level (one person, one level).
  const standIn = rows.filter((r) => r.approver !== event.senderId);
  const others = standIn.length ? await ctx.tx.select().from(approvals).where(inArray(approvals.receptionId, [...new Set(standIn.map((r) => r.step.receptionId))])) : [];
  const mine = rows.filter((r) => r.approver === event.senderId || mayStandIn(r, others.filter((o) => o.receptionId === r.step.receptionId), r.step, event.senderId));
  // 批量同意: one checkbox per waiting approval (src/approval/batch-approve.ts).
  const items: BatchItem[] = mine.map((r) => {
    const f = r.form;
    const forWhom = r.approver === event.senderId ? '' : `（代${name(ctx, r.approver)}）`;
    return { code: r.code, approval: r.step.id, round: r.round, findings: r.findings, line: `${r.code} ${String(f.guest_unit ?? '')}，${String(f.arrive_date ?? '')}到访：待${r.role}审批${forWhom}` };
  });
  await ctx.say({ kind: 'card', card: buildTodoCard(items, [...(await settlementTodo(ctx, event.senderId)), ...(await reviewTodo(ctx, event.senderId))]) });
};

/** 查看: the requester, anyone in the chain, and the reception office may see a reception. */
export const onView: Handler = async (event, ctx, args) => {
  const code = await codeArg(event, ctx, args, '查看');
  if (!code) return;
  const r = await findReception(ctx.tx, code);
  if (!r || !(await mayView(ctx.tx, ctx.org, r, event.senderId))) {
    await text(ctx, `未找到接待${code}，或您无权查看。`);
    return;
  }
  const history = await ctx.tx.select().from(auditLog).where(and(inArray(auditLog.entity, ['reception', 'settlement']), eq(auditLog.entityId, r.code))).orderBy(asc(auditLog.id));
  const time = (at: Date) => new Intl.DateTimeFormat('zh-CN', { timeZone: ctx.config.timeZone, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  const lines = history.flatMap((h) => historyLine(h, { name: (id) => name(ctx, id), time }) ?? []);
  await ctx.sayPrivately({ kind: 'card', card: buildReceptionDetailCard(viewOf(ctx.org, r, await roundSteps(ctx.tx, r)), { state: stateLabel(r.state), history: lines, review: await reviewOf(ctx.tx, r.id) }) });
};

/** 撤回: the requester, until the final approval. Open approval cards then say 已撤回 and do nothing. */
export const onWithdraw: Handler = async (event, ctx, args) => {
  const code = await codeArg(event, ctx, args, '撤回');
  if (!code) return;
  const r = await findReception(ctx.tx, code, { lock: true });
  if (!r || r.requester !== event.senderId) {
    await text(ctx, `未找到您提交的接待${code}。只有申请人本人可以撤回。`);
    return;
  }
  if (r.state === 'change_pending') {
    // Only the change is withdrawn: the approved reception and its plan go on.
    const open = (await roundSteps(ctx.tx, r)).filter((s) => s.status === 'pending' || s.status === 'waiting');
    if (open.length) await ctx.tx.update(approvals).set({ status: 'withdrawn' }).where(inArray(approvals.id, open.map((s) => s.id)));
    await ctx.audit({ actor: event.senderId, entity: 'reception', entityId: r.code, action: 'withdraw_change', from: 'change_pending', to: 'approved' });
    await patchCards(ctx, r, open.flatMap((s) => s.cardRefs), { title: `接待审批：${r.code}`, text: '变更已由申请人撤回，无需审批', template: 'grey' });
    await dropChange(ctx, r, '变更已由申请人撤回');
    await syncApprovalCenter(ctx, r, { change: true });
    await text(ctx, `接待${r.code}的变更已撤回，原批准方案继续有效。`);
    return;
  }
  if (r.state !== 'pending' && r.state !== 'returned') {
    const calledOff = r.state === 'approved' || r.state === 'in_progress' ? `如接待不再举行，请发送“取消接待 ${r.code} 理由”。` : '';
    await text(ctx, `接待${r.code}当前状态为“${stateLabel(r.state)}”，不能撤回。${calledOff}`);
    return;
  }
  const open = (await roundSteps(ctx.tx, r)).filter((s) => s.status === 'pending' || s.status === 'waiting');
  if (open.length) await ctx.tx.update(approvals).set({ status: 'withdrawn' }).where(inArray(approvals.id, open.map((s) => s.id)));
  const from = r.state;
  await ctx.tx.update(receptions).set({ state: 'withdrawn', updatedAt: ctx.now }).where(eq(receptions.id, r.id));
  r.state = 'withdrawn';
  await ctx.audit({ actor: event.senderId, entity: 'reception', entityId: r.code, action: 'withdraw', from, to: 'withdrawn' });
  await dropLeaderCalendars(ctx, r);
  const refs = open.flatMap((s) => s.cardRefs);
  await patchCards(ctx, r, refs, { title: `接待审批：${r.code}`, text: '申请人已撤回，无需审批', template: 'grey' });
  for (const s of open.filter((x) => x.status === 'pending')) {
    await ctx.send({ type: 'user', id: s.approver }, { kind: 'text', text: `接待申请${r.code}已由申请人${name(ctx, r.requester)}撤回，无需审批。` });
  }
  await updateStatusCard(ctx, r);
  await text(ctx, `接待申请${r.code}已撤回。`);
};

/** 代理 @某人 至 2026-12-31 / 代理 取消. */
export const onDelegate = (resolveMention: (event: MessageEvent, ctx: HandlerContext) => string | undefined): Handler => async (event, ctx, args) => {
  const today = localDate(ctx.now, ctx.config.timeZone);
  const mine = and(eq(delegations.principal, event.senderId), isNull(delegations.cancelledAt));
  if (/^取消/.test(args.trim())) {
    const ended = await ctx.tx.update(delegations).set({ cancelledAt: ctx.now }).where(mine).returning();
    for (const d of ended) await ctx.audit({ actor: event.senderId, entity: 'delegation', entityId: String(d.id), action: 'cancel', reason: `代理人${name(ctx, d.delegate)}` });
    await text(ctx, ended.length ? '已取消审批代理。' : '您当前没有设置审批代理。');
    return;
  }
  const delegate = resolveMention(event, ctx);
  const m = args.match(/(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})日?/);
  const until = m ? `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}` : undefined;
  if (!delegate || !until || Number.isNaN(Date.parse(`${until}T00:00:00Z`))) {
    await text(ctx, '格式：代理 @某人 至 2026-12-31（期间由其代为审批）；结束代理请发送“代理 取消”。');
    return;
  }
  if (delegate === event.senderId) return void (await text(ctx, '不能委托本人代理。'));
  if (until < today) return void (await text(ctx, `代理截止日期${until}早于今天（${today}）。`));
  await ctx.tx.update(delegations).set({ cancelledAt: ctx.now }).where(mine);
  const [d] = await ctx.tx.insert(delegations).values({ principal: event.senderId, delegate, until, createdAt: ctx.now }).returning();
  await ctx.audit({ actor: event.senderId, entity: 'delegation', entityId: String(d.id), action: 'create', detail: { delegate, until } });
  await text(ctx, `已委托${name(ctx, delegate)}代为审批，至${until}止。代理期间的审批记录将注明“${name(ctx, delegate)}（代${name(ctx, event.senderId)}）”。`);
  await ctx.send({ type: 'user', id: delegate }, { kind: 'text', text: `${name(ctx, event.senderId)}委托您代为审批接待申请，至${until}止。` });
};

