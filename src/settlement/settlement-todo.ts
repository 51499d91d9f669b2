// 待办 lines for settlements: what waits for one person's signature or audit.
import { and, asc, eq, inArray, or } from 'drizzle-orm';
import type { HandlerContext } from '../chat/context.js';
import { isFinance, isOffice, isPrincipal } from '../org/access.js';
import { receptions, settlements, type SettlementState } from '../db/schema/index.js';
import { auditors, linesAndDocs, type Loaded, secondSigners, validSignatures } from './settlement.js';

/**
 * 待办 lines for settlements: signatures and audits waiting for this person. Only the settlements
 * the person can have a part in are read (as handler, witness or head of its department while in
 * draft; as auditor of a stage they can audit).
 */
export async function settlementTodo(ctx: HandlerContext, who: string): Promise<string[]> {
  const o = ctx.org;
  const heads = o.departments.filter((d) => d.head === who).map((d) => d.name);
  const office = isOffice(o, who) || isPrincipal(o, who);
  const stages: SettlementState[] = [...(office ? ['office_audit' as const] : []), ...(isFinance(o, who) ? ['finance_audit' as const] : [])];
  const mine = or(
    and(eq(settlements.state, 'draft'), or(eq(settlements.handler, who), eq(settlements.witness, who), heads.length ? inArray(receptions.department, heads) : undefined)),
    stages.length ? inArray(settlements.state, stages) : undefined,
  );
  const rows = await ctx.tx
    .select({ s: settlements, r: receptions })
    .from(settlements)
    .innerJoin(receptions, eq(receptions.id, settlements.receptionId))
    .where(mine)
    .orderBy(asc(settlements.updatedAt))
    .limit(200);
  const out: string[] = [];
  for (const { s, r } of rows) {
    const l = { r, s, ...(s.state === 'draft' ? await linesAndDocs(ctx.tx, s.id) : { lines: [], docs: [] }) } as Loaded;
    if (s.state === 'draft') {
      const valid = validSignatures(l);
      if (valid.some((x) => x.by === who)) continue;
      if (who === s.handler) out.push(`- **${r.code}** 结算待您完善并签字（经办人）`);
      else if (secondSigners(o, l).includes(who) && valid.some((x) => x.role === 'handler')) out.push(`- **${r.code}** 结算待您签字（第二签字人）`);
    } else if (auditors(o, l, s.state === 'office_audit' ? 'office' : 'finance').includes(who)) {
      out.push(`- **${r.code}** 结算待您审核（${s.state === 'office_audit' ? '接待办审核' : '财务审核'}）`);
    }
  }
  return out;
}
