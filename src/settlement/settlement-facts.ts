// The settlement as the rules engine reads it: the facts the bot gathers (invoices used elsewhere,
// money spent this year, R4's reason path, 外事 banquets) and the findings, judged through the same
// reader as `policy check` (rules/checks/check-facts.ts judgeSettlement).
import { and, between, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import type { Executor } from '../db/client.js';
import { approvals, expenseLines, ledgerEntries, receptions, settlements } from '../db/schema/index.js';
import { fenToYuan } from '../lib/money.js';
import type { Reception } from '../reception/store.js';
import { judgeSettlement } from '../rules/checks/check-facts.js';
import { type Finding, sortFindings } from '../rules/checks/finding.js';
import type { Settlement as SettlementFacts } from '../rules/checks/read-settlement.js';
import type { Policy } from '../rules/policy/policy-schema.js';
import type { ExpenseCategory, PaymentMethod } from '../rules/vocabulary.js';
import { type ExpenseLine, GENERATED_DOCUMENTS, type Loaded, normalInvoice } from './settlement.js';

/**
 * 外事: a meal line whose items say 宴请 or 宴会 is a banquet; its host is the policy's banquet host the
 * items name (部长级…), else none (the engine then takes the lowest banquet standard and says so).
 */
function banquetOf(items: string | null, policy: Policy): { banquet?: true; host?: string } {
  if (!items || !/宴请|宴会/.test(items)) return {};
  const host = policy.foreign.banquets.find((b) => items.includes(b.host))?.host;
  return { banquet: true, ...(host ? { host } : {}) };
}

/** Invoice numbers of these lines already listed in another reception's settlement: number → that reception's code. */
export async function invoicesUsedElsewhere(tx: Executor, settlementId: number, lines: ExpenseLine[]): Promise<Map<string, string>> {
  const numbers = [...new Set(lines.map((l) => l.invoiceNo).filter((x): x is string => !!x))];
  if (!numbers.length) return new Map();
  const rows = await tx
    .select({ invoiceNo: expenseLines.invoiceNo, code: receptions.code })
    .from(expenseLines)
    .innerJoin(settlements, eq(settlements.id, expenseLines.settlementId))
    .innerJoin(receptions, eq(receptions.id, settlements.receptionId))
    .where(and(inArray(expenseLines.invoiceNo, numbers), ne(expenseLines.settlementId, settlementId)));
  return new Map(rows.map((x) => [x.invoiceNo!, x.code]));
}

/** Reception money settled in the visit's year before this settlement (R13), in fen: from the ledger's date index. */
async function spentThisYear(tx: Executor, l: Loaded): Promise<number> {
  const year = String(l.r.form.arrive_date).slice(0, 4);
  const [row] = await tx
    .select({ fen: sql<string>`coalesce(sum(${ledgerEntries.totalFen}), 0)` })
    .from(ledgerEntries)
    .where(and(between(ledgerEntries.date, `${year}-01-01`, `${year}-12-31`), inArray(ledgerEntries.status, ['settled', 'imported']), or(isNull(ledgerEntries.code), ne(ledgerEntries.code, l.r.code))));
  return Number(row?.fen ?? 0);
}

/**
 * R4's reason path: a visit of a kind that may come without an invitation (商务), filed without
 * one, and approved in this round by the supervising leader (level 3). Its approval form stands in
 * for the letter at settlement.
 */
export async function approvedWithoutLetter(tx: Executor, policy: Policy, r: Reception): Promise<boolean> {
  const f = r.form;
  if (f.letter_no || !policy.letter.invitation_kinds.includes(f.kind)) return false;
  const steps = await tx.select().from(approvals).where(and(eq(approvals.receptionId, r.id), eq(approvals.round, r.round), eq(approvals.status, 'approved')));
  return steps.some((x) => x.levels.includes(3));
}

/** The settlement as the rules engine reads it. */
export function settlementFacts(l: Loaded, used: Map<string, string>, spentFen?: number, waived = false, policy?: Policy): SettlementFacts {
  // The same invoice twice within this settlement counts as used by the earlier line.
  const seen = new Map<string, number>();
  const within = new Map<number, string>();
  l.lines.forEach((x, i) => {
    if (!x.invoiceNo) return;
    const k = normalInvoice(x.invoiceNo);
    if (seen.has(k)) within.set(x.id, `本结算第${seen.get(k)! + 1}笔费用`);
    else seen.set(k, i);
  });
  const stored = l.docs.filter((d) => d.status === 'stored');
  const f = l.r.form;
  const present = new Set([...GENERATED_DOCUMENTS, ...stored.map((d) => d.kind)]);
  // The letter recorded on the request (公函文号) counts as the letter.
  if (f.letter_no) present.add('公函');
  return {
    lines: l.lines.map((x) => ({
      category: x.category as ExpenseCategory,
      amount: fenToYuan(x.amountFen),
      ...(x.persons ? { persons: x.persons } : {}),
      ...(x.items ? { items: x.items } : {}),
      payment: x.payment as PaymentMethod,
      ...(x.reason ? { reason: x.reason } : {}),
      ...(x.invoiceNo ? { invoice_no: x.invoiceNo } : {}),
      invoice_attached: stored.some((d) => d.kind === '发票' && d.lineId === x.id),
      ...(within.has(x.id) ? { invoice_used_in: within.get(x.id) } : x.invoiceNo && used.has(x.invoiceNo) ? { invoice_used_in: used.get(x.invoiceNo) } : {}),
      ...(f.kind === '外事' && x.category === '餐费' && policy ? banquetOf(x.items, policy) : {}),
    })),
    documents: [...present],
    ...(spentFen !== undefined ? { spent_this_year: fenToYuan(spentFen) } : {}),
    ...(waived ? { approved_without_letter: true } : {}),
  };
}

/** The rules engine's findings on the settlement, most serious first. */
export async function settlementFindings(ctx: Pick<HandlerContext, 'tx' | 'policy' | 'now' | 'config'>, l: Loaded): Promise<Finding[]> {
  const [used, spent, waived] = await Promise.all([invoicesUsedElsewhere(ctx.tx, l.s.id, l.lines), spentThisYear(ctx.tx, l), approvedWithoutLetter(ctx.tx, ctx.policy, l.r)]);
  const facts = settlementFacts(l, used, spent, waived, ctx.policy);
  return sortFindings(judgeSettlement(l.r.form, facts, ctx.policy, ctx.now, { timeZone: ctx.config.timeZone }));
}

