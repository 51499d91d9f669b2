// 结算 and the settlement card's actions: expense lines, the reception list, the two signatures
// (双签) and the two audits (双次审核). Every action locks the reception and its settlement, changes
// them in the one transaction it runs in, and answers with the card as it now stands.
import { and, eq } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import { errorToast as error, type CardActionEvent, type CardActionResult, type MessageEvent } from '../chat/event.js';
import { escapeMd } from '../cards/elements.js';
import { expenseLines, receptions, settlementDocuments, settlements } from '../db/schema/index.js';
import { formatFen } from '../lib/money.js';
import { codeArg } from '../reception/code-arg.js';
import { loadSettlement, type Loaded, maySee } from './settlement.js';
import { localDate } from '../lib/working-time.js';
import { name, reload, settlementCard } from './settlement-view.js';
import { remember, sendCard } from './settlement-copies.js';
import { readLineForm, readListForm } from './settlement-forms.js';
import { lockForEdit } from './settlement-permissions.js';
import { syncSettlementTask } from '../plan/plan.js';
import { isOffice } from '../org/access.js';

export { onAudit, onSign, onSubmit } from './settlement-review.js';


/** Reception states from which a settlement can be opened or continued. */
const SETTLEABLE = ['approved', 'in_progress', 'settling', 'settled'];

/**
 * Every change of content goes through here: the version grows, and signatures given on the old
 * content are voided (the signers are told). Returns the notice for the card.
 */
export async function changed(ctx: HandlerContext, l: Loaded, actor: string, what: string): Promise<{ l: Loaded; notice: string }> {
  const voided = l.s.signatures;
  await ctx.tx.update(settlements).set({ version: l.s.version + 1, signatures: [], updatedAt: ctx.now }).where(eq(settlements.id, l.s.id));
  await ctx.audit({ actor, entity: 'settlement', entityId: l.r.code, action: 'edit', reason: what, detail: voided.length ? { voided: voided.map((s) => s.by) } : undefined });
  for (const s of voided) {
    if (s.by === actor) continue;
    await ctx.send({ type: 'user', id: s.by }, { kind: 'text', text: `接待${l.r.code}的结算内容已由${name(ctx, actor)}变更（${what}），您的签字已作废，请重新核对签字。` });
  }
  const next = await reload(ctx, l);
  return { l: next, notice: voided.length ? `${escapeMd(what)}。**结算内容已变更，原有签字已作废，须重新签字。**` : escapeMd(what) };
}

// ---------------------------------------------------------------------------------------------
// 结算 JD-…

/** 结算: the handler (the requester) or the reception office opens the settlement, or sees it again. */
export async function onSettleCommand(event: MessageEvent, ctx: HandlerContext, args: string): Promise<void> {
  const code = await codeArg(event, ctx, args, '结算');
  if (!code) return;
  const say = (text: string) => ctx.say({ kind: 'text', text });
  const got = await loadSettlement(ctx.tx, code, { lock: true });
  const r = got?.r;
  const who = event.senderId;
  if (!r) return void (await say(`未找到接待${code}，或您无权办理其结算。`));
  if (got.s) {
    const l = got as Loaded;
    if (!maySee(ctx.org, l, who)) return void (await say(`未找到接待${code}，或您无权办理其结算。`));
    const notice = l.s.state === 'settled' ? `接待${escapeMd(code)}已结算，结算内容已锁定，不能再修改；可下载结算表格或打印接待清单。` : undefined;
    const ref = await ctx.sayPrivately({ kind: 'card', card: await settlementCard(ctx, l, who, { notice }) });
    return void (await remember(ctx, l, ref));
  }
  const office = isOffice(ctx.org, who);
  if (who !== r.requester && !office) return void (await say(`未找到接待${code}，或您无权办理其结算。结算由经办人或接待办发起。`));
  if (r.state === 'change_pending') return void (await say(`接待${code}有变更正在审批，请待变更审批结束后再结算。`));
  if (r.state === 'cancelled') return void (await say(`接待${code}已取消，无需结算。`));
  if (!SETTLEABLE.includes(r.state)) return void (await say(`接待${code}未经审批通过（当前：${stateText(r.state)}），不能结算。`));
  const f = r.form;
  const today = localDate(ctx.now, ctx.config.timeZone);
  if (f.arrive_date > today) return void (await say(`接待${code}尚未举行（到达日期${f.arrive_date}），接待结束后再办理结算。`));

  const [s] = await ctx.tx
    .insert(settlements)
    .values({
      receptionId: r.id,
      handler: r.requester,
      guests: [{ name: f.lead_name, title: f.lead_title }],
      activities: [{ time: f.arrive_date, place: '', activity: f.purpose_detail || f.purpose }],
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .returning();
  await ctx.tx.update(receptions).set({ state: 'settling', updatedAt: ctx.now }).where(eq(receptions.id, r.id));
  await ctx.audit({ actor: who, entity: 'reception', entityId: r.code, action: 'settle_start', from: r.state, to: 'settling' });
  const l: Loaded = { r: { ...r, state: 'settling' }, s, lines: [], docs: [] };
  await syncSettlementTask(ctx, l.r, false);
  const notice = `已生成接待${escapeMd(code)}的接待清单，请核对来访人员和活动安排，录入各项费用，并将发票等单据（图片或文件）直接发送给接待助手。`;
  await remember(ctx, l, await ctx.sayPrivately({ kind: 'card', card: await settlementCard(ctx, l, who, { notice }) }));
  if (who !== r.requester) {
    await sendCard(ctx, l, r.requester, `${escapeMd(name(ctx, who))}已发起接待${escapeMd(code)}的结算，请您作为经办人核对清单、录入费用并签字。`);
  }
}

function stateText(state: string): string {
  return ({ pending: '审批中', returned: '已退回修改', rejected: '已驳回', withdrawn: '已撤回', cancelled: '已取消', change_pending: '变更审批中' } as Record<string, string>)[state] ?? state;
}

// ---------------------------------------------------------------------------------------------
// Expense lines and the reception list

/** 添加费用: one expense line from the card's form; problems come back next to their fields. */
export async function onLineAdd(event: CardActionEvent, ctx: HandlerContext): Promise<CardActionResult> {
  const edit = await lockForEdit(ctx, event);
  if ('answer' in edit) return edit.answer;
  const got = edit.l;
  const who = event.operatorId;
  const read = readLineForm(event.formValue);
  if (!read.line) {
    const card = await settlementCard(ctx, got, who, { lineValues: read.values, lineErrors: read.errors, notice: '<font color=\'red\'>费用未添加，请按提示修改后重新提交。</font>' });
    return { toast: { type: 'error', content: Object.values(read.errors)[0] ?? '费用填写有误' }, card };
  }
  await ctx.tx.insert(expenseLines).values({ ...read.line, settlementId: got.s.id, createdBy: who, createdAt: ctx.now });
  const what = `已添加第${got.lines.length + 1}笔费用：${read.line.category}${formatFen(read.line.amountFen)}元`;
  const { l, notice } = await changed(ctx, got, who, what);
  return { toast: { type: 'success', content: what }, card: await settlementCard(ctx, l, who, { notice }) };
}

/** 删除第n笔: removes a line (until the settlement goes to audit); its documents stay, unlinked. */
export async function onLineRemove(event: CardActionEvent, ctx: HandlerContext): Promise<CardActionResult> {
  const edit = await lockForEdit(ctx, event);
  if ('answer' in edit) return edit.answer;
  const got = edit.l;
  const who = event.operatorId;
  const i = got.lines.findIndex((x) => x.id === event.value.line);
  if (i < 0) return { toast: { type: 'info', content: '该笔费用已删除。' }, card: await settlementCard(ctx, got, who) };
  const line = got.lines[i];
  await ctx.tx.update(settlementDocuments).set({ lineId: null }).where(eq(settlementDocuments.lineId, line.id));
  await ctx.tx.delete(expenseLines).where(and(eq(expenseLines.id, line.id), eq(expenseLines.settlementId, got.s.id)));
  const what = `已删除第${i + 1}笔费用：${line.category}${formatFen(line.amountFen)}元`;
  const { l, notice } = await changed(ctx, got, who, what);
  return { toast: { type: 'success', content: what }, card: await settlementCard(ctx, l, who, { notice }) };
}

/** 保存清单: the real guest list, activities, accompanying people, the written reason and the witness. */
export async function onListSave(event: CardActionEvent, ctx: HandlerContext): Promise<CardActionResult> {
  const edit = await lockForEdit(ctx, event);
  if ('answer' in edit) return edit.answer;
  const got = edit.l;
  const who = event.operatorId;
  const { guests, activities, accompany, reason, witness } = readListForm(event.formValue);
  if (!guests.length) return error('来访人员不能为空，请每行填写一人：姓名 职务。');
  if (guests.length > 500) return error('来访人员不超过500人。');
  if (witness && !ctx.org.person(witness)) return error('证明人不在本单位人员名单中。');
  if (witness && witness === got.s.handler) return error('证明人不能是经办人本人：双签须由两人分别签字。');
  const same =
    JSON.stringify([guests, activities, accompany, reason, witness]) === JSON.stringify([got.s.guests, got.s.activities, got.s.accompany, got.s.reason ?? null, got.s.witness ?? null]);
  if (same) return { toast: { type: 'info', content: '清单内容未变化。' }, card: await settlementCard(ctx, got, who) };
  await ctx.tx.update(settlements).set({ guests, activities, accompany, reason, witness }).where(eq(settlements.id, got.s.id));
  const { l, notice } = await changed(ctx, got, who, '已更新接待清单');
  return { toast: { type: 'success', content: '接待清单已保存' }, card: await settlementCard(ctx, l, who, { notice }) };
}

