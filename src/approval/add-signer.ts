// 加签: the current approver adds a person before themselves (that person approves first, then the
// card comes back) or after themselves (an extra level once they approve). Every rule of the chain
// still holds: one person, one level; never the requester; never the change's proposer.
import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import { approvals } from '../db/schema/index.js';
import type { Approval, Reception } from '../reception/store.js';
import { ADD_AFTER, ADD_BEFORE } from '../reception/reception-cards.js';
import { nameOf } from '../org/access.js';
import { proposerOf } from './authority.js';

export const ADD_WHERE = { before: ADD_BEFORE, after: ADD_AFTER } as const;
export type AddWhere = keyof typeof ADD_WHERE;
export const ADDED_ROLE = '加签审批人';

/** The card's 加签 fields read and checked: the person and where, or the refusal to show. */
export function readAddSigner(
  ctx: Pick<HandlerContext, 'org'>,
  r: Reception,
  current: Approval[],
  operator: string,
  form: Record<string, unknown> | undefined,
): { where: AddWhere; who: string } | { refused: string } {
  const raw = form?.add_person;
  const who = Array.isArray(raw) ? String(raw[0] ?? '') : String(raw ?? '');
  const whereText = String(form?.add_where ?? '');
  const where = (Object.keys(ADD_WHERE) as AddWhere[]).find((k) => ADD_WHERE[k] === whereText) ?? (whereText ? undefined : 'before');
  if (!where) return { refused: '加签方式无效，未作任何更改。' };
  if (!who) return { refused: '加签须选择加签人。' };
  if (!ctx.org.person(who)) return { refused: '加签人不在本单位人员名单中，未作任何更改。' };
  if (who === r.requester) return { refused: '不能加签申请人本人审批。' };
  if (who === proposerOf(r)) return { refused: '不能加签变更提出人本人审批。' };
  if (who === operator) return { refused: '不能加签本人。' };
  // One person, one level: whoever holds or has acted on a level of this round cannot be added.
  if (current.some((s) => s.approver === who || s.actedBy === who || s.onBehalfOf === who)) {
    return { refused: `${nameOf(ctx.org, who)}已在本次审批中承担其他层级，不能加签。` };
  }
  return { where, who };
}

/**
 * Inserts the added step at `at` (the steps from `at` on move one down), `pending` for 前加签 or
 * `waiting` for 后加签, and returns the round's steps as they now stand.
 */
export async function insertStep(ctx: Pick<HandlerContext, 'tx' | 'now'>, r: Reception, current: Approval[], at: number, who: string, pending: boolean): Promise<Approval[]> {
  const ofRound = and(eq(approvals.receptionId, r.id), eq(approvals.round, r.round));
  // Two moves keep (reception, round, step) unique at every moment: out of the way, then one down.
  await ctx.tx.update(approvals).set({ step: sql`-${approvals.step} - 1` }).where(and(ofRound, gte(approvals.step, at)));
  await ctx.tx.update(approvals).set({ step: sql`-${approvals.step}` }).where(and(ofRound, lt(approvals.step, 0)));
  const [added] = await ctx.tx
    .insert(approvals)
    .values({ receptionId: r.id, round: r.round, step: at, levels: [], role: ADDED_ROLE, approver: who, status: pending ? 'pending' : 'waiting', createdAt: ctx.now, pendingSince: pending ? ctx.now : null })
    .returning();
  const moved = current.map((s) => (s.step >= at ? { ...s, step: s.step + 1 } : s));
  return [...moved, added].sort((a, b) => a.step - b.step);
}
