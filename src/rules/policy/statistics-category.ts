// The statistics category of a reception (docs/contracts.md §2.5): the policy's first matching row, else 其他.
import type { Policy } from './policy-schema.js';
import { type Kind, rankAtLeast, type StatCategory } from '../vocabulary.js';

export function statisticsCategory(policy: Policy, kind: Kind, leadRank: string): StatCategory {
  for (const row of policy.statistics.categories) {
    if (row.kinds && !row.kinds.includes(kind)) continue;
    if (row.min_rank && !rankAtLeast(leadRank, row.min_rank)) continue;
    return row.category;
  }
  return '其他';
}
