import { eq } from 'drizzle-orm';
import type { Org } from '../org/org.js';
import { nameOf } from '../org/access.js';
import { approvals, receptions } from '../db/schema/index.js';
import { enqueue } from '../chat/outbox.js';
import type { JobBody } from '../jobs/scheduler.js';
import { AWAITING_APPROVAL } from '../reception/store.js';

/**
 * 催办 and escalation of a pending approval. Each is a durable job keyed by step and approver, run
 * in the transaction that marks it done: sent once, even with several instances. A step that has
 * moved on (acted, transferred, withdrawn) is left alone.
 */
export function approvalReminderJobs(org: Org): Record<string, JobBody> {
  const name = (id: string) => nameOf(org, id);
  const still = async (tx: Parameters<JobBody>[0], payload: unknown) => {
    const { approvalId, approver, since } = payload as { approvalId: number; approver: string; since?: string };
    // Every change of a step (同意, 转交, 撤回, …) locks its reception first. The reception is locked
    // here too, in a statement of its own, so that the read below starts after any such transaction
    // has committed and sees the step as it left it. (In one statement, a row of a table not locked
    // would be the version from before the wait: a step just approved would still read as pending.)
    await tx
      .select({ id: receptions.id })
      .from(approvals)
      .innerJoin(receptions, eq(receptions.id, approvals.receptionId))
      .where(eq(approvals.id, approvalId))
      .for('share', { of: receptions });
    const [row] = await tx
      .select({ status: approvals.status, approver: approvals.approver, role: approvals.role, pendingSince: approvals.pendingSince, createdAt: approvals.createdAt, code: receptions.code, state: receptions.state, form: receptions.form })
      .from(approvals)
      .innerJoin(receptions, eq(receptions.id, approvals.receptionId))
      .where(eq(approvals.id, approvalId));
    const same = !since || row?.pendingSince?.toISOString() === since;
    return row && row.status === 'pending' && AWAITING_APPROVAL.includes(row.state) && row.approver === approver && same ? row : undefined;
  };
  const waited = (since: Date, now: Date) => {
    const h = Math.max(1, Math.round((now.getTime() - since.getTime()) / 3_600_000));
    return h >= 48 ? `${Math.round(h / 24)}天` : `${h}小时`;
  };
  return {
    'approval.remind': async (tx, job, now) => {
      const row = await still(tx, job.payload);
      if (!row) return;
      const unit = String(row.form.guest_unit ?? '');
      await enqueue(tx, { op: 'send', to: { type: 'user', id: row.approver }, message: { kind: 'text', text: `【催办】接待申请${row.code}（${unit}）已等待您审批${waited(row.pendingSince ?? row.createdAt, now)}，请及时处理。发送“待办”可查看全部待办事项。` } });
    },
    'approval.escalate': async (tx, job, now) => {
      const row = await still(tx, job.payload);
      if (!row) return;
      // Escalation goes to the office director; when the director is the one waiting, to the principal leader.
      // To the office director; when the director is the one waiting, to the principal leader, else
      // to the leader supervising the director's department; never back to the person waiting.
      const director = org.reception_office.director;
      const dept = org.department(org.person(director)?.department ?? '');
      const to = row.approver !== director ? director : [org.principal, dept?.supervisor].find((p) => p && p !== director);
      if (!to) return;
      await enqueue(tx, { op: 'send', to: { type: 'user', id: to }, message: { kind: 'text', text: `【督办】接待申请${row.code}在${row.role}${name(row.approver)}处待审批已${waited(row.pendingSince ?? row.createdAt, now)}，请督促办理。` } });
    },
  };
}
