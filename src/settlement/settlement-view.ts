// The settlement card as a person sees it: the view model of a settlement and what the person may
// do on it (edit, sign, audit or only look).
import { eq } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import type { Card } from '../cards/card.js';
import { buildSettlementCard, type LineFormErrors, type SettlementCardMode, type SettlementView } from './settlement-cards.js';
import { settlements, type SettlementSignature } from '../db/schema/index.js';
import { hasBlocking, type Finding } from '../rules/checks/finding.js';
import { formatFen } from '../lib/money.js';
import { auditors, contentHash, linesAndDocs, type Loaded, mayEdit, secondSigners, totals, validSignatures } from './settlement.js';
import { settlementFindings } from './settlement-facts.js';
import { SETTLEMENT_STATE_LABEL } from '../reception/state-labels.js';
import { exportLinks } from './settlement-routes.js';
import { nameOf } from '../org/access.js';

export const name = (ctx: HandlerContext, id?: string | null) => (id ? nameOf(ctx.org, id) : '');
const at = (ctx: HandlerContext, iso: string | Date) =>
  new Intl.DateTimeFormat('zh-CN', { timeZone: ctx.config.timeZone, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));

export async function settlementView(ctx: HandlerContext, l: Loaded, findings?: Finding[]): Promise<SettlementView> {
  const f = l.r.form;
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

export async function reload(ctx: HandlerContext, l: Loaded): Promise<Loaded> {
  const [s] = await ctx.tx.select().from(settlements).where(eq(settlements.id, l.s.id));
  return { r: l.r, s, ...(await linesAndDocs(ctx.tx, s.id)) };
}

