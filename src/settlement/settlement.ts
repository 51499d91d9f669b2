// The settlement of one reception (docs/contracts.md §2.4): loading it, the content its signatures bind, the
// facts the rules engine checks, who may do what, and the report finance reads.
import { createHash } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { approvals, expenseLines, settlementDocuments, settlements, type SettlementSignature } from '../db/schema/index.js';
import type { Policy } from '../rules/policy/policy-schema.js';
import type { Org } from '../org/org.js';
import { isFinance, isOffice, nameOf } from '../org/access.js';
import { SETTLEMENT_STATE_LABEL } from '../reception/state-labels.js';
import type { SettlementReport } from './settlement-report.js';
import { findReception, type Reception } from '../reception/store.js';

export type SettlementRow = typeof settlements.$inferSelect;
export type ExpenseLine = typeof expenseLines.$inferSelect;
/** A document without its bytes. */
export type DocumentMeta = Omit<typeof settlementDocuments.$inferSelect, 'data'>;

export interface Loaded {
  r: Reception;
  s: SettlementRow;
  lines: ExpenseLine[];
  docs: DocumentMeta[];
}

/** Expense categories offered on the card (礼品 is not offered: R12 forbids gifts). */
export const LINE_CATEGORIES = ['餐费', '住宿', '用车', '场地', '其他'] as const;
/** Documents the bot generates itself: they are always present. */
export const GENERATED_DOCUMENTS = ['接待清单', '接待审批单'];

export const documentColumns = {
  id: settlementDocuments.id,
  settlementId: settlementDocuments.settlementId,
  kind: settlementDocuments.kind,
  lineId: settlementDocuments.lineId,
  name: settlementDocuments.name,
  status: settlementDocuments.status,
  contentType: settlementDocuments.contentType,
  size: settlementDocuments.size,
  sha256: settlementDocuments.sha256,
  note: settlementDocuments.note,
  messageId: settlementDocuments.messageId,
  resourceKey: settlementDocuments.resourceKey,
  uploadedBy: settlementDocuments.uploadedBy,
  createdAt: settlementDocuments.createdAt,
};

export async function linesAndDocs(tx: Executor, settlementId: number) {
  const [lines, docs] = await Promise.all([
    tx.select().from(expenseLines).where(eq(expenseLines.settlementId, settlementId)).orderBy(asc(expenseLines.id)),
    tx.select(documentColumns).from(settlementDocuments).where(eq(settlementDocuments.settlementId, settlementId)).orderBy(asc(settlementDocuments.id)),
  ]);
  return { lines, docs };
}

/** The reception and its settlement; with `lock`, both rows are locked for this transaction. */
export async function loadSettlement(tx: Executor, code: string, opts: { lock?: boolean } = {}): Promise<(Partial<Loaded> & { r?: Reception }) | undefined> {
  const r = await findReception(tx, code, opts);
  if (!r) return undefined;
  const q = tx.select().from(settlements).where(eq(settlements.receptionId, r.id));
  const [s] = opts.lock ? await q.for('update') : await q;
  if (!s) return { r };
  return { r, s, ...(await linesAndDocs(tx, s.id)) };
}

/** Document kinds the handler can choose: what the policy requires (but the generated ones), plus 发票, 菜单 and 其他. */
export function documentKinds(policy: Policy): string[] {
  return [...new Set(['发票', '公函', ...policy.settlement.required_documents.filter((d) => !GENERATED_DOCUMENTS.includes(d)), '菜单', '其他'])];
}

/**
 * What the two signatures bind: the reception list, every line and every document (by its hash),
 * the handler's reason and the named witness. Any change to these changes the hash.
 */
export function contentHash(l: Loaded): string {
  const content = {
    code: l.r.code,
    guests: l.s.guests,
    activities: l.s.activities,
    accompany: l.s.accompany,
    reason: l.s.reason ?? '',
    witness: l.s.witness ?? '',
    lines: l.lines.map((x) => [x.id, x.category, x.amountFen, x.persons, x.payee, x.invoiceNo, x.payment, x.items, x.reason]),
    // A document counts once it is stored and its sender has said what it is.
    documents: l.docs.filter((d) => d.status === 'stored' && d.kind !== '待确认').map((d) => [d.id, d.kind, d.lineId, d.sha256]),
  };
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/** Signatures that still bind the current content. */
export function validSignatures(l: Loaded, hash = contentHash(l)): SettlementSignature[] {
  return l.s.signatures.filter((x) => x.hash === hash);
}

/** Who signs second: the witness the handler named, else the department head; never the handler. */
export function secondSigners(org: Org, l: Pick<Loaded, 'r' | 's'>): string[] {
  const head = org.departments.find((d) => d.name === l.r.department)?.head;
  const second = l.s.witness ?? head;
  return second && second !== l.s.handler ? [second] : [];
}

/**
 * Who audits at a stage: the office director, else (the director handled or signed it) the office
 * staff, else the principal leader; then finance. Nobody audits a settlement they handled or signed.
 * `signers` lets a caller ask before a signature is recorded.
 */
export function auditors(org: Org, l: Pick<Loaded, 's'>, stage: 'office' | 'finance', signers: string[] = l.s.signatures.map((x) => x.by)): string[] {
  const excluded = new Set([l.s.handler, ...signers]);
  // 双次审核 is two people: whoever passed the office audit just now does not audit for finance.
  const last = l.s.audits.at(-1);
  if (stage === 'finance' && last?.stage === 'office' && last.decision === 'pass') excluded.add(last.by);
  const free = (ids: (string | undefined)[]) => ids.filter((x): x is string => !!x && !excluded.has(x));
  if (stage === 'finance') return free(org.finance);
  const director = free([org.reception_office.director]);
  if (director.length) return director;
  const staff = free(org.reception_office.staff);
  return staff.length ? staff : free([org.principal]);
}

/** The handler and the office edit; signers, auditors and finance see it. */
export function mayEdit(org: Org, l: Pick<Loaded, 's'>, id: string): boolean {
  return id === l.s.handler || isOffice(org, id);
}

export function maySee(org: Org, l: Loaded, id: string): boolean {
  return mayEdit(org, l, id) || secondSigners(org, l).includes(id) || isFinance(org, id) || l.r.requester === id;
}

/** Invoice numbers compare without spaces and dashes, in capitals ("0440-0001" is 04400001). */
export const normalInvoice = (no: string) => no.replace(/[\s-]/g, '').toUpperCase();

/**
 * The guests the settlement is for: the list as edited, once it names more than the lead guest it
 * starts with; until then the number on the request.
 */
export function guestCountOf(l: Pick<Loaded, 'r' | 's'>): number {
  return l.s.guests.length > 1 ? l.s.guests.length : l.r.form.guest_count;
}

/** Accompanying people: the names listed, else the number on the request. */
export function accompanyCountOf(l: Pick<Loaded, 'r' | 's'>): number {
  return l.s.accompany.length || (l.r.form.accompany_count ?? 0);
}

export function totals(l: Loaded) {
  const totalFen = l.lines.reduce((n, x) => n + x.amountFen, 0);
  const by = new Map<string, number>();
  for (const x of l.lines) by.set(x.category, (by.get(x.category) ?? 0) + x.amountFen);
  const persons = Math.max(1, guestCountOf(l) + accompanyCountOf(l));
  return { totalFen, byCategory: [...by].map(([category, amountFen]) => ({ category, amountFen })), persons, perPersonFen: Math.round(totalFen / persons) };
}

/** Who gave the request its final approval. */
/** Who gave the request its final approval, and when. */
async function finalApproval(tx: Executor, r: Reception): Promise<{ by: string; at?: Date } | undefined> {
  const steps = await tx.select().from(approvals).where(and(eq(approvals.receptionId, r.id), eq(approvals.round, r.round), eq(approvals.status, 'approved'))).orderBy(asc(approvals.step));
  const last = steps.at(-1);
  return last?.actedBy ? { by: last.actedBy, at: last.actedAt ?? undefined } : undefined;
}

/** The report the spreadsheet and the printable page are built from. */
export async function buildReport(tx: Executor, org: Org, l: Loaded): Promise<SettlementReport> {
  const name = (id?: string | null) => (id ? nameOf(org, id) : '');
  const f = l.r.form;
  const hash = contentHash(l);
  const valid = validSignatures(l, hash);
  const sig = (role: 'handler' | 'second', label: string) => {
    const x = valid.find((v) => v.role === role);
    return x ? { name: name(x.by), role: label, at: x.at } : undefined;
  };
  const head = org.departments.find((d) => d.name === l.r.department)?.head;
  const second = valid.find((v) => v.role === 'second');
  const secondId = second?.by ?? l.s.witness ?? head;
  const secondRole = secondId && secondId === head && secondId !== l.s.witness ? '部门负责人' : '证明人';
  const lineNo = new Map(l.lines.map((x, i) => [x.id, i + 1]));
  const approval = await finalApproval(tx, l.r);
  return {
    code: l.r.code,
    unit: org.unit,
    department: l.r.department,
    guestUnit: f.guest_unit,
    leadName: f.lead_name,
    leadTitle: f.lead_title,
    leadRank: f.lead_rank,
    kind: f.kind,
    purpose: f.purpose,
    arriveDate: f.arrive_date,
    departDate: f.depart_date,
    ...(f.letter_no ? { letterNo: f.letter_no } : {}),
    guestCount: guestCountOf(l),
    guests: l.s.guests,
    activities: l.s.activities,
    accompany: l.s.accompany,
    lines: l.lines.map((x, i) => ({
      no: i + 1,
      category: x.category,
      amountFen: x.amountFen,
      ...(x.persons ? { persons: x.persons } : {}),
      payee: x.payee,
      ...(x.invoiceNo ? { invoiceNo: x.invoiceNo } : {}),
      payment: x.payment,
      ...(x.items ? { items: x.items } : {}),
      ...(x.reason ? { reason: x.reason } : {}),
    })),
    documents: [
      { kind: '接待清单', name: '接待清单（系统生成）' },
      ...(f.letter_no ? [{ kind: '公函', name: `公函 ${f.letter_no}` }] : []),
      ...l.docs.filter((d) => d.status === 'stored').map((d) => ({ kind: d.kind, name: d.name, ...(d.lineId && lineNo.has(d.lineId) ? { lineNo: lineNo.get(d.lineId) } : {}) })),
    ],
    totals: totals(l),
    handler: { name: name(l.s.handler), ...(sig('handler', '经办人') ? { signature: sig('handler', '经办人') } : {}) },
    ...(secondId ? { second: { name: name(secondId), role: secondRole, ...(sig('second', secondRole) ? { signature: sig('second', secondRole) } : {}) } } : {}),
    ...(approval ? { approver: name(approval.by), ...(approval.at ? { approvedAt: approval.at.toISOString() } : {}) } : {}),
    audits: l.s.audits
      .filter((a) => a.decision === 'pass')
      .map((a) => ({ stage: a.stage === 'office' ? ('接待办审核' as const) : ('财务审核' as const), name: name(a.by), at: a.at, ...(a.comment ? { comment: a.comment } : {}) })),
    stateLabel: SETTLEMENT_STATE_LABEL[l.s.state],
    ...(l.s.settledAt ? { settledAt: l.s.settledAt.toISOString() } : {}),
    contentHash: hash,
  };
}
