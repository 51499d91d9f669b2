import { and, asc, eq, gte, isNull, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { hot } from '../db/hot.js';
import { approvals, delegations, receptionCounters, receptions, type ReceptionState } from '../db/schema/index.js';
import type { ReceptionView, StepView } from './reception-cards.js';
import { isOffice, nameOf } from '../org/access.js';
import type { Org } from '../org/org.js';
import { hostsLine, hostsOf } from './hosts.js';

export type Reception = typeof receptions.$inferSelect;
export type Approval = typeof approvals.$inferSelect;

/** States in which a reception's plan is carried out (a change awaiting approval keeps the approved plan running). */
export const PLAN_LIVE: ReceptionState[] = ['approved', 'change_pending', 'in_progress'];
/** States in which an approval step can be acted on. */
export const AWAITING_APPROVAL: ReceptionState[] = ['pending', 'change_pending'];

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

const byCode = hot('reception_by_code', (ex) => ex.select().from(receptions).where(eq(receptions.code, sql.placeholder('code'))));
const byCodeLocked = hot('reception_by_code_locked', (ex) => ex.select().from(receptions).where(eq(receptions.code, sql.placeholder('code'))).for('update'));
const stepsOfRound = hot('approvals_of_round', (ex) =>
  ex
    .select()
    .from(approvals)
    .where(and(eq(approvals.receptionId, sql.placeholder('receptionId')), eq(approvals.round, sql.placeholder('round'))))
    .orderBy(asc(approvals.step)),
);
// The current round's steps of the reception with this code, and one named step whatever its round.
const currentCode = (column: 'id' | 'round') => sql`(select ${sql.identifier(column)} from ${receptions} where ${receptions.code} = ${sql.placeholder('code')})`;
const stepsForAct = hot('approvals_for_act', (ex) =>
  ex
    .select()
    .from(approvals)
    .where(and(eq(approvals.receptionId, currentCode('id')), or(eq(approvals.round, currentCode('round')), eq(approvals.id, sql.placeholder('approvalId')))))
    .orderBy(asc(approvals.step))
    .for('update'),
);

export async function findReception(tx: Executor, code: string, opts: { lock?: boolean } = {}): Promise<Reception | undefined> {
  const [row] = await (opts.lock ? byCodeLocked : byCode)(tx, { code: code.toUpperCase() });
  return row;
}

export async function roundSteps(tx: Executor, r: Reception): Promise<Approval[]> {
  return stepsOfRound(tx, { receptionId: r.id, round: r.round });
}

/**
 * For a tap on an approval card: the reception, locked, and the steps of its current round plus
 * the step the card names (of whatever round), locked too. Both statements go out at once (one
 * round trip on PostgreSQL); the server runs them in order, so the steps are read after the
 * reception's lock is held.
 */
export async function lockForAct(tx: Executor, code: string, approvalId: number): Promise<{ r?: Reception; steps: Approval[] }> {
  const values = { code: code.toUpperCase(), approvalId };
  const [[r], steps] = await Promise.all([byCodeLocked(tx, values), stepsForAct(tx, values)]);
  return { r, steps };
}

export function viewOf(org: Org, r: Reception, steps: Approval[]): ReceptionView {
  const name = (id?: string | null) => (id ? nameOf(org, id) : undefined);
  return {
    code: r.code,
    requesterName: name(r.requester)!,
    department: r.department,
    form: r.form,
    findings: r.findings,
    reason: r.reason,
    extraLevel: r.extraLevel,
    ...(r.history?.length ? { history: r.history } : {}),
    hosts: hostsLine(org, hostsOf(org, r)),
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

/** 查看 and 手册: the requester, anyone in the approval chain (as approver or actor), the people copied (抄送), and the reception office. */
export async function mayView(tx: Executor, org: Org, r: Reception, userId: string): Promise<boolean> {
  // 抄送: a person copied on the reception (on the form or by the policy) may see it too.
  if (r.requester === userId || isOffice(org, userId) || r.cc.includes(userId) || r.ccCards.some((c) => c.to.type === 'user' && c.to.id === userId)) return true;
  const involved = await tx.select({ approver: approvals.approver, actedBy: approvals.actedBy }).from(approvals).where(eq(approvals.receptionId, r.id));
  return involved.some((a) => a.approver === userId || a.actedBy === userId);
}

/** The people who may act for `approver` today: their active delegates. */
const delegatesOf = hot('active_delegates', (ex) =>
  ex
    .select({ delegate: delegations.delegate })
    .from(delegations)
    .where(and(eq(delegations.principal, sql.placeholder('approver')), isNull(delegations.cancelledAt), gte(delegations.until, sql.placeholder('today')))),
);

export async function activeDelegates(tx: Executor, approver: string, today: string): Promise<string[]> {
  const rows = await delegatesOf(tx, { approver, today });
  return [...new Set(rows.map((r) => r.delegate))];
}
