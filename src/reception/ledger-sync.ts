// The bot's own receptions in the ledger (接待台账): written in the transaction that approves a
// reception, changes it, or settles it, and taken out when it is cancelled, so statistics never
// read half a state.
import { eq } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { ledgerEntries } from '../db/schema/index.js';
import type { Finding } from '../rules/checks/finding.js';
import type { Policy } from '../rules/policy/policy-schema.js';
import { statisticsCategory } from '../rules/policy/statistics-category.js';
import type { Reception } from './store.js';

/** Findings that needed a written reason or blocked: what statistics report as 规则提示事项. */
export const notable = (findings: readonly Finding[]) => findings.filter((f) => f.severity !== 'info').length;

export async function recordInLedger(
  tx: Executor,
  policy: Policy,
  r: Pick<Reception, 'id' | 'code' | 'form' | 'department' | 'findings'>,
  opts: { status: 'approved' | 'settled'; totalFen?: number; guestCount?: number; accompanyCount?: number; settlementFindings?: number; now: Date },
): Promise<void> {
  const f = r.form;
  const values = {
    source: 'app',
    receptionId: r.id,
    code: r.code,
    date: f.arrive_date,
    guestUnit: f.guest_unit,
    leadName: f.lead_name,
    leadTitle: f.lead_title,
    leadRank: f.lead_rank,
    kind: f.kind,
    guestCount: opts.guestCount ?? f.guest_count,
    purpose: f.purpose,
    accompanyCount: opts.accompanyCount ?? f.accompany_count ?? 0,
    totalFen: opts.totalFen ?? null,
    department: r.department,
    letterNo: f.letter_no || null,
    category: statisticsCategory(policy, f.kind, f.lead_rank),
    status: opts.status,
    findings: notable(r.findings) + (opts.settlementFindings ?? 0),
    updatedAt: opts.now,
  };
  await tx.insert(ledgerEntries).values(values).onConflictDoUpdate({ target: ledgerEntries.receptionId, set: values });
}

/**
 * 取消接待: a reception called off is not a reception that took place. Like a request withdrawn
 * before approval, it has no ledger row, so statistics, 公开, 导出 and the budget never count it.
 */
export async function dropFromLedger(tx: Executor, receptionId: number): Promise<void> {
  await tx.delete(ledgerEntries).where(eq(ledgerEntries.receptionId, receptionId));
}
