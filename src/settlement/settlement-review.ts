// 双签 and 双次审核: the two signatures bound to the content, then the reception office's and
// finance's audits; settled at the end, with the ledger row and the plan's settlement task closed.
import { eq } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import type { CardActionEvent, CardActionResult } from '../chat/event.js';
import { escapeMd } from '../cards/elements.js';
import { receptions, settlements, type SettlementAudit, type SettlementSignature } from '../db/schema/index.js';
import { hasBlocking } from '../rules/checks/finding.js';
import { notable, recordInLedger } from '../reception/ledger-sync.js';
import { formatFen } from '../lib/money.js';
import { cut } from '../lib/text.js';
import { auditors, accompanyCountOf, contentHash, guestCountOf, type Loaded, secondSigners, totals, validSignatures } from './settlement.js';
import { settlementFindings } from './settlement-facts.js';
import { SETTLEMENT_STATE_LABEL } from '../reception/state-labels.js';
import { name, reload, settlementCard } from './settlement-view.js';
import { patchSentCards, sendCard } from './settlement-copies.js';
import { error, lockForEdit, lockFromCard } from './settlement-permissions.js';
import { syncSettlementTask } from '../plan/plan.js';

// ---------------------------------------------------------------------------------------------
// 双签

/**
 * 签字: binds the signer to the content hash the card showed. The handler signs as 经办人; the
 * department head or the named witness signs second; no one signs twice. With both signatures the
 * settlement goes to the reception office's audit.
 */
export async function onSign(event: CardActionEvent, ctx: HandlerContext): Promise<CardActionResult> {
  const got = await lockFromCard(ctx, event);
  if ('error' in got) return error(got.error);
  const l = got;
  const who = event.operatorId;
  if (l.s.state !== 'draft') return { toast: { type: 'info', content: `结算当前${SETTLEMENT_STATE_LABEL[l.s.state]}，无需签字。` }, card: await settlementCard(ctx, l, who) };
  const hash = contentHash(l);
  const valid = validSignatures(l, hash);
  if (valid.some((s) => s.by === who)) return error('您已签字，同一人不能重复签字。');
  const role: SettlementSignature['role'] | undefined = who === l.s.handler ? 'handler' : secondSigners(ctx.org, l).includes(who) ? 'second' : undefined;
  if (!role) {
    const seconds = secondSigners(ctx.org, l).map((id) => name(ctx, id));
    return error(`您无权在此结算上签字。双签由经办人${name(ctx, l.s.handler)}和${seconds.join('或') || '经办人指定的证明人'}签字。`);
  }
  if (valid.some((s) => s.role === role)) return error(`${role === 'handler' ? '经办人' : '第二签字人'}已签字。`);
  const signersAfter = [...valid.map((x) => x.by), who];
  // Both audits must remain possible, by two different people.
  const office = auditors(ctx.org, l, 'office', signersAfter);
  const finance = auditors(ctx.org, l, 'finance', signersAfter);
  if (!office.some((o) => finance.some((f) => f !== o))) {
    return error('如由您签字，本结算将无人可以审核（经办人和签字人不能审核本人经办或签字的结算）。请经办人另行指定证明人。');
  }
  if (event.value.hash !== hash) {
    return { toast: { type: 'warning', content: '结算内容已变更，请核对最新内容后再签字。' }, card: await settlementCard(ctx, l, who, { notice: '**结算内容已变更**，以下为最新内容，请核对后签字。' }) };
  }
  const findings = await settlementFindings(ctx, l);
  if (!l.lines.length) return error('尚未录入任何费用，不能签字。');
  if (hasBlocking(findings)) {
    return { toast: { type: 'error', content: '结算存在不得办理的问题，须先修改，不能签字。' }, card: await settlementCard(ctx, l, who, { findings }) };
  }
  if (findings.some((f) => f.severity === 'reason') && !l.s.reason) {
    return { toast: { type: 'error', content: '有须说明理由的事项，请经办人在“情况说明”中写明理由后再签字。' }, card: await settlementCard(ctx, l, who, { findings }) };
  }
  const signature: SettlementSignature = { by: who, role, hash, at: ctx.now.toISOString() };
  const signatures = [...valid, signature];
  await ctx.tx.update(settlements).set({ signatures, updatedAt: ctx.now }).where(eq(settlements.id, l.s.id));
  await ctx.audit({ actor: who, entity: 'settlement', entityId: l.r.code, action: 'sign', detail: { role, hash } });
  let next = await reload(ctx, l);
  let notice = `您已签字（${role === 'handler' ? '经办人' : '第二签字人'}）。`;
  if (signatures.length === 2) {
    next = await submitForAudit(ctx, next, who);
    notice += '双签已完成，已提交接待办审核。';
  } else if (role === 'handler') {
    for (const id of secondSigners(ctx.org, next)) await sendCard(ctx, next, id, `${escapeMd(name(ctx, who))}已在接待${escapeMd(l.r.code)}的结算上签字（经办人），请您核对后签字（第二签字人）。`);
    notice += `已请${secondSigners(ctx.org, next).map((id) => name(ctx, id)).join('或')}签字。`;
  } else {
    await ctx.send({ type: 'user', id: l.s.handler }, { kind: 'text', text: `${name(ctx, who)}已在接待${l.r.code}的结算上签字，请您（经办人）核对后签字。` });
  }
  return { toast: { type: 'success', content: '已签字' }, card: await settlementCard(ctx, next, who, { notice, findings }) };
}

async function submitForAudit(ctx: HandlerContext, l: Loaded, actor: string): Promise<Loaded> {
  await ctx.tx.update(settlements).set({ state: 'office_audit', updatedAt: ctx.now }).where(eq(settlements.id, l.s.id));
  await ctx.audit({ actor, entity: 'settlement', entityId: l.r.code, action: 'submit', from: 'draft', to: 'office_audit' });
  const next = await reload(ctx, l);
  await patchSentCards(ctx, next, `双签已完成，已提交接待办审核。`);
  await syncSettlementTask(ctx, l.r, false);
  for (const id of auditors(ctx.org, next, 'office')) await sendCard(ctx, next, id, `接待${escapeMd(l.r.code)}的结算已完成双签，请审核（第一次审核）。`);
  if (actor !== l.s.handler) await ctx.send({ type: 'user', id: l.s.handler }, { kind: 'text', text: `接待${l.r.code}的结算已完成双签，已提交接待办审核。` });
  return next;
}

/** 提交审核: after a return, a settlement whose two signatures still hold goes back to audit. */
export async function onSubmit(event: CardActionEvent, ctx: HandlerContext): Promise<CardActionResult> {
  const edit = await lockForEdit(ctx, event, { version: false });
  if ('answer' in edit) return edit.answer;
  const got = edit.l;
  const who = event.operatorId;
  if (validSignatures(got).length < 2) return error('须经办人和第二签字人两人签字后才能提交审核。');
  const findings = await settlementFindings(ctx, got);
  if (hasBlocking(findings)) return error('结算存在不得办理的问题，须先修改。');
  const next = await submitForAudit(ctx, got, who);
  return { toast: { type: 'success', content: '已提交审核' }, card: await settlementCard(ctx, next, who, { notice: '已提交接待办审核。', findings }) };
}

// ---------------------------------------------------------------------------------------------
// 双次审核

/** 审核通过 / 退回: the office director, then finance. A return needs its reason and goes back to the handler. */
export async function onAudit(event: CardActionEvent, ctx: HandlerContext): Promise<CardActionResult> {
  const got = await lockFromCard(ctx, event);
  if ('error' in got) return error(got.error);
  const l = got;
  const who = event.operatorId;
  const decision = event.value.decision;
  if (decision !== 'pass' && decision !== 'return') return error('卡片数据无效，未作任何更改。');
  const stage = l.s.state === 'office_audit' ? 'office' : l.s.state === 'finance_audit' ? 'finance' : undefined;
  if (!stage) return { toast: { type: 'info', content: `结算当前${SETTLEMENT_STATE_LABEL[l.s.state]}，无需审核。` }, card: await settlementCard(ctx, l, who) };
  if (event.value.version !== l.s.version) return { toast: { type: 'info', content: '该审核已处理，卡片已更新。' }, card: await settlementCard(ctx, l, who) };
  const allowed = auditors(ctx.org, l, stage);
  if (!allowed.includes(who)) {
    const label = stage === 'office' ? '接待办审核' : '财务审核';
    return error(`您不是本结算的${label}人（${allowed.map((id) => name(ctx, id)).join('、') || '无'}），无权审核。经办人和签字人不能审核本人经办或签字的结算。`);
  }
  const comment = cut(String(event.formValue?.comment ?? '').trim(), 500) || null;
  if (decision === 'return' && !comment) return error('退回须在“审核意见”中填写理由。');
  const label = stage === 'office' ? '接待办审核' : '财务审核';
  const entry: SettlementAudit = { stage, by: who, decision, comment, at: ctx.now.toISOString() };
  const audits = [...l.s.audits, entry];
  const to = decision === 'return' ? 'draft' : stage === 'office' ? 'finance_audit' : 'settled';
  await ctx.tx
    .update(settlements)
    .set({ state: to, audits, version: l.s.version + 1, updatedAt: ctx.now, ...(to === 'settled' ? { settledAt: ctx.now } : {}) })
    .where(eq(settlements.id, l.s.id));
  await ctx.audit({ actor: who, entity: 'settlement', entityId: l.r.code, action: `audit_${decision}`, from: l.s.state, to, reason: comment ?? undefined, detail: { stage } });
  const next = await reload(ctx, l);
  await syncSettlementTask(ctx, l.r, to === 'settled');
  const outcome = `${label}：${name(ctx, who)}${decision === 'pass' ? '审核通过' : '退回'}${comment ? `（${comment}）` : ''}`;
  await patchSentCards(ctx, next, escapeMd(outcome));
  if (decision === 'return') {
    await sendCard(ctx, next, l.s.handler, `**接待${escapeMd(l.r.code)}的结算被${escapeMd(name(ctx, who))}（${label}）退回。**\n理由：${escapeMd(comment ?? '')}\n修改后须重新签字；如无需修改，点击“提交审核”。`);
  } else if (to === 'finance_audit') {
    for (const id of auditors(ctx.org, next, 'finance')) await sendCard(ctx, next, id, `接待${escapeMd(l.r.code)}的结算已经接待办审核通过，请财务审核（第二次审核）。`);
    await ctx.send({ type: 'user', id: l.s.handler }, { kind: 'text', text: `接待${l.r.code}的结算已经接待办审核通过，已转财务审核。` });
  } else {
    await ctx.tx.update(receptions).set({ state: 'settled', updatedAt: ctx.now }).where(eq(receptions.id, l.r.id));
    const settledFindings = notable(await settlementFindings(ctx, next));
    await recordInLedger(ctx.tx, ctx.policy, l.r, { status: 'settled', totalFen: totals(next).totalFen, guestCount: guestCountOf(next), accompanyCount: accompanyCountOf(next), settlementFindings: settledFindings, now: ctx.now });
    await ctx.audit({ actor: who, entity: 'reception', entityId: l.r.code, action: 'settled', from: 'settling', to: 'settled' });
    const t = totals(next);
    await ctx.send({ type: 'user', id: l.s.handler }, { kind: 'card', card: await settlementCard(ctx, next, l.s.handler, { notice: `接待${escapeMd(l.r.code)}已结算：合计${formatFen(t.totalFen)}元，人均${formatFen(t.perPersonFen)}元。结算内容已锁定。` }) });
  }
  return { toast: { type: 'success', content: decision === 'pass' ? '审核通过' : '已退回经办人' }, card: await settlementCard(ctx, next, who, { notice: escapeMd(outcome) }) };
}

