// 抄送 (CC): read-only copies of a request's card. The policy names who is copied and when
// (approval.cc), the requester may add people on the form, and every copy is updated as the
// request moves (docs/approvals.md).
import { eq } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import type { Card, HeaderColour } from '../cards/card.js';
import { receptions, type CcCard } from '../db/schema/index.js';
import { buildReceptionStatusCard } from '../reception/reception-cards.js';
import { type Approval, type Reception, roundSteps, viewOf } from '../reception/store.js';
import { stateLabel } from '../reception/state-labels.js';
import { rankAtLeast } from '../rules/vocabulary.js';
import type { CcTarget } from '../rules/policy/policy-schema.js';
import type { Org } from '../org/org.js';

type Ctx = Pick<HandlerContext, 'tx' | 'org' | 'policy' | 'config' | 'now' | 'enqueue'>;
type Where = CcCard['to'];

/** Who a policy target names for this reception, if the org file has that post. */
function targetOf(org: Org, r: Reception, to: CcTarget): Where | undefined {
  const dept = org.department(r.department);
  const user = (id?: string) => (id ? ({ type: 'user', id } as const) : undefined);
  switch (to) {
    case 'office_chat':
      return { type: 'chat', id: org.reception_office.chat_id };
    case 'office_director':
      return user(org.reception_office.director);
    case 'principal':
      return user(org.principal);
    case 'supervisor':
      return user(dept?.supervisor);
    case 'department_head':
      return user(dept?.head);
  }
}

/** The copies due `when`: the policy's rows for that moment, and (from the start) the people added on the form. */
export function ccDue(org: Org, policy: Ctx['policy'], r: Reception, when: 'submit' | 'final'): Where[] {
  const out: Where[] = [];
  for (const rule of policy.approval.cc) {
    if (rule.when !== when) continue;
    if (rule.min_rank && !rankAtLeast(String(r.form.lead_rank ?? ''), rule.min_rank)) continue;
    const t = targetOf(org, r, rule.to);
    if (t) out.push(t);
  }
  if (when === 'submit') for (const id of r.cc) out.push({ type: 'user', id });
  // Never a copy to the requester, who has the status card; one copy per person or chat.
  const seen = new Set(r.ccCards.map((c) => `${c.to.type}:${c.to.id}`));
  return out.filter((t) => {
    const key = `${t.type}:${t.id}`;
    if ((t.type === 'user' && t.id === r.requester) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The copy as it reads now: the request, its findings and progress, and where it stands. No buttons. */
export function ccCard(org: Org, r: Reception, steps: Approval[]): Card {
  const pending = steps.find((s) => s.status === 'pending');
  const where = (r.state === 'pending' || r.state === 'change_pending') && pending ? `审批中：等待${pending.role}${org.person(pending.approver)?.name ?? ''}审批` : `当前状态：${stateLabel(r.state)}`;
  const template: HeaderColour = r.state === 'approved' ? 'green' : r.state === 'rejected' ? 'red' : r.state === 'pending' || r.state === 'change_pending' ? 'blue' : 'grey';
  return buildReceptionStatusCard(viewOf(org, r, steps), { title: `抄送：接待申请${r.code}`, outcome: `${where}（抄送件，仅供知悉，可发送“查看 ${r.code}”了解详情）`, template });
}

/** Sends the copies due `when` and records them on the reception, so later transitions update them. */
export async function sendCcCards(ctx: Ctx, r: Reception, when: 'submit' | 'final', known?: Approval[]): Promise<void> {
  const due = ccDue(ctx.org, ctx.policy, r, when);
  if (!due.length) return;
  const card = ccCard(ctx.org, r, known ?? (await roundSteps(ctx.tx, r)));
  const sent: CcCard[] = [];
  for (const to of due) sent.push({ to, ref: await ctx.enqueue({ op: 'send', to, message: { kind: 'card', card } }) });
  r.ccCards = [...r.ccCards, ...sent];
  await ctx.tx.update(receptions).set({ ccCards: r.ccCards }).where(eq(receptions.id, r.id));
}

/** Brings every copy sent so far up to date. */
export async function updateCcCards(ctx: Ctx, r: Reception, known?: Approval[]): Promise<void> {
  if (!r.ccCards.length) return;
  const card = ccCard(ctx.org, r, known ?? (await roundSteps(ctx.tx, r)));
  for (const c of r.ccCards) await ctx.enqueue({ op: 'update_card', sentBy: c.ref, card });
}
