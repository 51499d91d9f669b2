// 结算 and the settlement card's actions: expense lines, the reception list, the two signatures
// (双签) and the two audits (双次审核). Every action locks the reception and its settlement, changes
// them in the one transaction it runs in, and answers with the card as it now stands.
import { and, eq } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import { errorToast as error, formText, type CardActionEvent, type CardActionResult, type MessageEvent } from '../chat/event.js';
import type { Card } from '../cards/card.js';
import { escapeMd } from '../cards/elements.js';
import { buildSettlementCard, type LineFormErrors, type SettlementCardMode, type SettlementView } from './settlement-cards.js';
import { expenseLines, receptions, settlementDocuments, settlements, type SettlementAudit, type SettlementSignature } from '../db/schema/index.js';
import { hasBlocking, type Finding } from '../rules/checks/finding.js';
import type { ReceptionRequest } from '../rules/checks/read-request.js';
import { EXPENSE_CATEGORIES, PAYMENT_METHODS } from '../rules/vocabulary.js';
import { notable, recordInLedger } from '../reception/ledger-sync.js';
import { formatFen, parseYuan } from '../lib/money.js';
import { codeArg } from '../reception/code-arg.js';
import {
  auditors,
  accompanyCountOf,
  contentHash,
  guestCountOf,
  linesAndDocs,
  loadSettlement,
  type Loaded,
  mayEdit,
  maySee,
  normalInvoice,
  secondSigners,
  totals,
  validSignatures,
} from './settlement.js';
import { settlementFindings } from './settlement-facts.js';
import { exportLinks } from './settlement-routes.js';
import { localDate } from '../lib/working-time.js';
import { cut } from '../lib/text.js';
import { isOffice, nameOf } from '../org/access.js';
import { SETTLEMENT_STATE_LABEL, stateLabel } from '../reception/state-labels.js';

const name = (ctx: HandlerContext, id?: string | null) => (id ? nameOf(ctx.org, id) : '');
const at = (ctx: HandlerContext, iso: string | Date) =>
  new Intl.DateTimeFormat('zh-CN', { timeZone: ctx.config.timeZone, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));

/** Reception states from which a settlement can be opened or continued. */
const SETTLEABLE = ['approved', 'in_progress', 'settling', 'settled'];

// ---------------------------------------------------------------------------------------------
// The card as a person sees it

export async function settlementView(ctx: HandlerContext, l: Loaded, findings?: Finding[]): Promise<SettlementView> {
  const f = l.r.form as ReceptionRequest;
  const hash = contentHash(l);
  const valid = validSignatures(l, hash);
  const t = totals(l);
  const lineNo = new Map(l.lines.map((x, i) => [x.id, i + 1]));
  const stored = l.docs.filter((d) => d.status === 'stored');
  const seconds = secondSigners(ctx.org, l);
  const second = valid.find((s) => s.role === 'second');
  const lastAudit = l.s.audits.at(-1);
  return {
    code: l.r.code,
    state: l.s.state,
    stateLabel: SETTLEMENT_STATE_LABEL[l.s.state] ?? l.s.state,
    version: l.s.version,
    hash,
    guestUnit: f.guest_unit,
    arriveDate: f.arrive_date,
    departDate: f.depart_date,
    handlerName: name(ctx, l.s.handler),
    guests: l.s.guests,
    activities: l.s.activities,
    accompany: l.s.accompany,
    reason: l.s.reason,
    lines: l.lines.map((x, i) => ({
      id: x.id,
      no: i + 1,
      category: x.category,
      amount: formatFen(x.amountFen),
      persons: x.persons,
      payee: x.payee,
      invoiceNo: x.invoiceNo,
      payment: x.payment,
      items: x.items,
      reason: x.reason,
      documents: stored.filter((d) => d.lineId === x.id).map((d) => `${d.kind}“${d.name}”`),
    })),
    documents: l.docs.map((d) => ({ id: d.id, name: d.name, kind: d.kind, ...(d.lineId && lineNo.has(d.lineId) && d.status === 'stored' ? { lineNo: lineNo.get(d.lineId) } : {}), status: d.status, note: d.note })),
    totals: { total: formatFen(t.totalFen), byCategory: t.byCategory.map((c) => ({ category: c.category, amount: formatFen(c.amountFen) })), persons: t.persons, perPerson: formatFen(t.perPersonFen) },
    findings: findings ?? (await settlementFindings(ctx, l)),
    signatures: [
      { label: '经办人', name: name(ctx, l.s.handler), ...sigAt(ctx, valid.find((s) => s.role === 'handler')) },
      { label: l.s.witness ? '证明人' : '部门负责人', name: second ? name(ctx, second.by) : seconds.map((id) => name(ctx, id)).join('或') || '（请指定证明人）', ...sigAt(ctx, second) },
    ],
    ...(l.s.signatures.length > valid.length ? { voided: '结算内容已变更，原签字已作废，须重新签字。' } : {}),
    audits: l.s.audits.map((a) => `${a.stage === 'office' ? '接待办审核' : '财务审核'}：${name(ctx, a.by)}${a.decision === 'pass' ? '审核通过' : '退回'}（${at(ctx, a.at)}）${a.comment ? `，意见：${a.comment}` : ''}`),
    ...(l.s.state === 'draft' && lastAudit?.decision === 'return' ? { returned: `已被${name(ctx, lastAudit.by)}退回：${lastAudit.comment ?? ''}。修改后请重新签字并提交审核。` } : {}),
    ...(l.s.state === 'settled' ? { links: exportLinks(ctx.config.links.secret, ctx.config.links.baseUrl, l.r.code, ctx.now) } : {}),
  };
}

function sigAt(ctx: HandlerContext, s?: SettlementSignature) {
  return s ? { signedAt: at(ctx, s.at) } : {};
}

/** What a person can do on the card: edit (handler, office), sign (second signer), audit, or only look. */
function modeFor(ctx: HandlerContext, l: Loaded, who: string): SettlementCardMode {
  if (l.s.state === 'office_audit' && auditors(ctx.org, l, 'office').includes(who)) return 'audit';
  if (l.s.state === 'finance_audit' && auditors(ctx.org, l, 'finance').includes(who)) return 'audit';
  if (l.s.state === 'draft' && mayEdit(ctx.org, l, who)) return 'edit';
  if (l.s.state === 'draft' && secondSigners(ctx.org, l).includes(who)) return 'sign';
  return 'view';
}

export async function settlementCard(ctx: HandlerContext, l: Loaded, who: string, extra: { notice?: string; lineValues?: Record<string, string>; lineErrors?: LineFormErrors; findings?: Finding[] } = {}): Promise<Card> {
  const view = await settlementView(ctx, l, extra.findings);
  const mode = modeFor(ctx, l, who);
  const valid = validSignatures(l, view.hash);
  const signedByMe = valid.some((s) => s.by === who);
  const canSign = !signedByMe && (who === l.s.handler || secondSigners(ctx.org, l).includes(who));
  const canSubmit = mode === 'edit' && valid.length === 2;
  const signBlocked = !canSign
    ? undefined
    : !l.lines.length
      ? '录入费用后方可签字。'
      : hasBlocking(view.findings)
        ? '存在【不得办理】事项，修改后方可签字。'
        : undefined;
  return buildSettlementCard(view, {
    mode,
    people: ctx.org.people.filter((p) => p.id !== l.s.handler).map((p) => ({ id: p.id, name: p.name })),
    witness: l.s.witness,
    notice: extra.notice,
    lineValues: extra.lineValues,
    lineErrors: extra.lineErrors,
    canSign,
    canSubmit,
    signBlocked,
  });
}

async function reload(ctx: HandlerContext, l: Loaded): Promise<Loaded> {
  const [s] = await ctx.tx.select().from(settlements).where(eq(settlements.id, l.s.id));
  return { r: l.r, s, ...(await linesAndDocs(ctx.tx, s.id)) };
}

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

/** Loads and locks the settlement a card names; checks the card matches. */
async function lockFromCard(ctx: HandlerContext, event: CardActionEvent): Promise<Loaded | { error: string }> {
  const code = event.value.code;
  if (typeof code !== 'string') return { error: '卡片数据无效，未作任何更改。' };
  const got = await loadSettlement(ctx.tx, code, { lock: true });
  if (!got?.s || !got.r) return { error: '卡片信息与结算记录不符，未作任何更改。' };
  return got as Loaded;
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
  if (!SETTLEABLE.includes(r.state)) return void (await say(`接待${code}未经审批通过（当前：${stateLabel(r.state)}），不能结算。`));
  const f = r.form as ReceptionRequest;
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
  const notice = `已生成接待${escapeMd(code)}的接待清单，请核对来访人员和活动安排，录入各项费用，并将发票等单据（图片或文件）直接发送给接待助手。`;
  await remember(ctx, l, await ctx.sayPrivately({ kind: 'card', card: await settlementCard(ctx, l, who, { notice }) }));
  if (who !== r.requester) {
    await sendCard(ctx, l, r.requester, `${escapeMd(name(ctx, who))}已发起接待${escapeMd(code)}的结算，请您作为经办人核对清单、录入费用并签字。`);
  }
}

// ---------------------------------------------------------------------------------------------
// Expense lines

const LINE_FIELDS = ['category', 'amount', 'persons', 'payee', 'invoice_no', 'payment', 'items', 'reason'] as const;

function readLineForm(raw: Record<string, unknown> | undefined): { values: Record<string, string>; errors: LineFormErrors; line?: Omit<typeof expenseLines.$inferInsert, 'settlementId' | 'createdBy'> } {
  const values: Record<string, string> = {};
  for (const k of LINE_FIELDS) {
    values[k] = formText(raw, k).trim();
  }
  const errors: LineFormErrors = {};
  if (!(EXPENSE_CATEGORIES as readonly string[]).includes(values.category)) errors.category = '请选择费用类别';
  if (!(PAYMENT_METHODS as readonly string[]).includes(values.payment)) errors.payment = '请选择支付方式：公务卡、转账或现金';
  const amount = parseYuan(values.amount);
  if ('error' in amount) errors.amount = amount.error;
  let persons: number | null = null;
  if (values.persons) {
    const n = Number(values.persons.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/人$/, ''));
    if (!Number.isInteger(n) || n < 1 || n > 1000) errors.persons = `人数应为1至1000的整数，现为“${values.persons.slice(0, 10)}”`;
    else persons = n;
  }
  if (!values.payee) errors.payee = '请填写收款单位';
  else if (values.payee.length > 100) errors.payee = '收款单位不超过100字';
  if (values.invoice_no && !/^[0-9A-Za-z-\s]{4,40}$/.test(values.invoice_no)) errors.invoice_no = '发票号应为4至40位数字或字母';
  if (values.items.length > 300) errors.items = '明细不超过300字';
  if (values.reason.length > 300) errors.reason = '说明不超过300字';
  if (Object.keys(errors).length || 'error' in amount) return { values, errors };
  return {
    values,
    errors,
    line: {
      category: values.category,
      amountFen: amount.fen,
      persons,
      payee: values.payee,
      invoiceNo: values.invoice_no ? normalInvoice(values.invoice_no) : null,
      payment: values.payment,
      items: values.items || null,
      reason: values.reason || null,
    },
  };
}

function editable(ctx: HandlerContext, l: Loaded, who: string): string | undefined {
  if (!mayEdit(ctx.org, l, who)) return `只有经办人${name(ctx, l.s.handler)}或接待办可以修改此结算。`;
  if (l.s.state === 'settled') return `接待${l.r.code}已结算，结算内容已锁定，不能修改。`;
  if (l.s.state !== 'draft') return `接待${l.r.code}的结算正在审核（${SETTLEMENT_STATE_LABEL[l.s.state]}），审核退回后才能修改。`;
  return undefined;
}

/**
 * An edit made on an older card (someone else changed the settlement since, or the same tap came
 * twice) changes nothing: the person gets the current card to edit instead.
 */
async function staleEdit(ctx: HandlerContext, event: CardActionEvent, l: Loaded): Promise<CardActionResult | undefined> {
  if (event.value.version === l.s.version) return undefined;
  return { toast: { type: 'warning', content: '结算内容已更新，请在最新卡片上操作。' }, card: await settlementCard(ctx, l, event.operatorId, { notice: '**结算内容已更新**，以下为最新内容，请核对后再操作。' }) };
}

/**
 * The start of every edit: the settlement locked, the operator allowed to edit it, it still in
 * draft, and (unless `version: false`) the card as new as the settlement. Otherwise the answer.
 */
async function lockForEdit(ctx: HandlerContext, event: CardActionEvent, opts: { version?: boolean } = {}): Promise<{ l: Loaded } | { answer: CardActionResult }> {
  const got = await lockFromCard(ctx, event);
  if ('error' in got) return { answer: error(got.error) };
  const refused = editable(ctx, got, event.operatorId);
  if (refused) return { answer: error(refused) };
  const stale = opts.version === false ? undefined : await staleEdit(ctx, event, got);
  return stale ? { answer: stale } : { l: got };
}

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
  const str = (k: string) => formText(event.formValue, k).trim();
  const rows = (k: string) =>
    str(k)
      .split(/\r?\n/)
      .map((x) => x.trim())
      .filter(Boolean);
  const guests = rows('guests').map((x) => {
    const [n, ...rest] = x.split(/[\s,，]+/);
    return { name: n.slice(0, 30), title: rest.join(' ').slice(0, 50) };
  });
  // "时间 地点 内容"; with two words, "时间 内容" (no place).
  const activities = rows('activities').map((x) => {
    const [time, ...rest] = x.split(/\s+/);
    const [place, activity] = rest.length >= 2 ? [rest[0], rest.slice(1).join(' ')] : ['', rest.join(' ')];
    return { time: (time ?? '').slice(0, 30), place: place.slice(0, 50), activity: activity.slice(0, 100) };
  });
  const accompany = str('accompany')
    .split(/[、,，\s]+/)
    .map((x) => x.trim().slice(0, 30))
    .filter(Boolean);
  const reason = cut(str('reason'), 500) || null;
  const witness = str('witness') || null;
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

/** Sends a person the settlement card as they may use it, remembering it so later changes patch it. */
async function sendCard(ctx: HandlerContext, l: Loaded, to: string, notice: string): Promise<void> {
  await remember(ctx, l, await ctx.send({ type: 'user', id: to }, { kind: 'card', card: await settlementCard(ctx, l, to, { notice }) }));
}

/**
 * Cards with live buttons are remembered (by the outbox row that sends them); when the settlement
 * goes to audit, is audited or settles, they are all patched to show the state without buttons.
 */
async function remember(ctx: HandlerContext, l: Loaded, ref: string): Promise<void> {
  l.s.cardRefs = [...l.s.cardRefs, ref];
  await ctx.tx.update(settlements).set({ cardRefs: l.s.cardRefs }).where(eq(settlements.id, l.s.id));
}

/** Cards sent earlier to signers and auditors now show the state, without live buttons. */
async function patchSentCards(ctx: HandlerContext, l: Loaded, outcome: string): Promise<void> {
  if (!l.s.cardRefs.length) return;
  const card = buildSettlementCard(await settlementView(ctx, l), { mode: 'view', notice: outcome });
  for (const ref of l.s.cardRefs) await ctx.enqueue({ op: 'update_card', sentBy: ref, card });
  await ctx.tx.update(settlements).set({ cardRefs: [] }).where(eq(settlements.id, l.s.id));
  l.s.cardRefs = [];
}

async function submitForAudit(ctx: HandlerContext, l: Loaded, actor: string): Promise<Loaded> {
  await ctx.tx.update(settlements).set({ state: 'office_audit', updatedAt: ctx.now }).where(eq(settlements.id, l.s.id));
  await ctx.audit({ actor, entity: 'settlement', entityId: l.r.code, action: 'submit', from: 'draft', to: 'office_audit' });
  const next = await reload(ctx, l);
  await patchSentCards(ctx, next, `双签已完成，已提交接待办审核。`);
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

