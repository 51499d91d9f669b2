// Whether a request goes to the extra approval level (the principal leader, SPEC §2.2):
// any finding that needs a written reason, or a trigger the policy names.
import type { Finding } from './finding.js';
import type { Policy } from '../policy/policy-schema.js';
import type { ReceptionRequest } from './read-request.js';
import { rankAtLeast } from '../vocabulary.js';
import { ruleName } from './rule-names.js';

export interface ExtraApproval {
  required: boolean;
  /** Chinese, one line per reason, for the approval card. */
  reasons: string[];
}

export function needsExtraApproval(
  findings: readonly Finding[],
  policy: Policy,
  request?: Pick<ReceptionRequest, 'lead_rank' | 'guest_count' | 'kind'>,
): ExtraApproval {
  const t = policy.approval.extra_level;
  const reasons: string[] = [];
  const soft = findings.filter((f) => f.severity === 'reason');
  if (t.on_reason_findings && soft.length) {
    const rules = [...new Set(soft.map((f) => ruleName(f.rule)))].join('、');
    reasons.push(`有${soft.length}项须说明理由的事项（${rules}）`);
  }
  if (request) {
    if (t.min_rank && rankAtLeast(request.lead_rank, t.min_rank)) {
      reasons.push(`带队领导为${request.lead_rank}（${t.min_rank}及以上）`);
    }
    if (t.min_guest_count !== null && request.guest_count >= t.min_guest_count) {
      reasons.push(`来访${request.guest_count}人（${t.min_guest_count}人及以上）`);
    }
    if (t.kinds.includes(request.kind)) reasons.push(`接待类型为${request.kind}`);
  }
  return { required: reasons.length > 0, reasons };
}
