import { and, asc, eq, gte, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { approvals, delegations, receptionCounters, receptions } from '../db/schema.js';
import type { ReceptionView, StepView } from '../cards/reception-cards.js';
import type { Finding } from '../rules/finding.js';
import type { Org } from './org.js';

export type Reception = typeof receptions.$inferSelect;
export type Approval = typeof approvals.$inferSelect;

/** States in which a reception's plan is carried out (a change awaiting approval keeps the approved plan running). */
export const PLAN_LIVE = ['approved', 'change_pending', 'in_progress'];
/** States in which an approval step can be acted on. */
export const AWAITING_APPROVAL = ['pending', 'change_pending'];

export const STATE_LABEL: Record<string, string> = {
  pending: '审批中',
  change_pending: '变更审批中',
  approved: '已批准',
  returned: '已退回修改',
  rejected: '已驳回',
  withdrawn: '已撤回',
  settling: '结算中',
  settled: '已结算',
};

/** JD-<year>-<nnnn>: the counter row is incremented in the caller's transaction, so two submissions never share a code. */
export async function nextCode(tx: Executor, year: number): Promise<string> {
  const [row] = await tx
    .insert(receptionCounters)
    .values({ year, last: 1 })
    .onConflictDoUpdate({ target: receptionCounters.year, set: { last: sql`${receptionCounters.last} + 1` } })
    .returning({ last: receptionCounters.last });
  return `JD-${year}-${String(row.last).padStart(4, '0')}`;
}

export const CODE_PATTERN = /^JD-\d{4}-\d{4,}$/;

export async function findReception(tx: Executor, code: string, opts: { lock?: boolean } = {}): Promise<Reception | undefined> {
  const q = tx.select().from(receptions).where(eq(receptions.code, code.toUpperCase()));
  const [row] = opts.lock ? await q.for('update') : await q;
  return row;
}

export async function roundSteps(tx: Executor, r: Reception): Promise<Approval[]> {
  return tx
    .select()
    .from(approvals)
    .where(and(eq(approvals.receptionId, r.id), eq(approvals.round, r.round)))
    .orderBy(asc(approvals.step));
}

export function viewOf(org: Org, r: Reception, steps: Approval[]): ReceptionView {
  const name = (id?: string | null) => (id ? (org.person(id)?.name ?? id) : undefined);
  return {
    code: r.code,
    requesterName: name(r.requester)!,
    department: r.department,
    form: r.form as Record<string, unknown>,
    findings: r.findings as Finding[],
    reason: r.reason,
    extraLevel: r.extraLevel,
    ...(r.history?.length ? { history: r.history } : {}),
    steps: steps.map(
      (s): StepView => ({
        role: s.role,
        approverName: name(s.approver)!,
        status: s.status as StepView['status'],
        actedByName: name(s.actedBy),
        onBehalfOfName: name(s.onBehalfOf),
        comment: s.comment,
      }),
    ),
  };
}

/** 查看 and 手册: the requester, anyone in the approval chain (as approver or actor), and the reception office. */
export async function mayView(tx: Executor, org: Org, r: Reception, userId: string): Promise<boolean> {
  if (r.requester === userId || org.reception_office.director === userId || org.reception_office.staff.includes(userId)) return true;
  const involved = await tx.select({ approver: approvals.approver, actedBy: approvals.actedBy }).from(approvals).where(eq(approvals.receptionId, r.id));
  return involved.some((a) => a.approver === userId || a.actedBy === userId);
}

/** The people who may act for `approver` today: their active delegates. */
export async function activeDelegates(tx: Executor, approver: string, today: string): Promise<string[]> {
  const rows = await tx
    .select({ delegate: delegations.delegate })
    .from(delegations)
    .where(and(eq(delegations.principal, approver), isNull(delegations.cancelledAt), gte(delegations.until, today)));
  return [...new Set(rows.map((r) => r.delegate))];
}
