// The national rules as a floor: a local policy may tighten them and never loosen them (R17). Each
// problem names the path, the national limit and its rule; `validate` and the bot's start refuse it.
import type { Policy } from './policy-schema.js';
/** A problem at a path of the policy file. */
export interface PathProblem {
  path: (string | number)[];
  message: string;
}
import { rankAtLeast } from '../vocabulary.js';

/** Words every local list must keep (it may add more): the national rule's own examples. */
export const NATIONAL_WORDS = {
  welcome: { rule: 'R6', words: ['机场迎送', '横幅', '标语', '红地毯', '列队迎送', '献花'] },
  dishes: { rule: 'R9', words: ['鱼翅', '燕窝', '鲍鱼', '海参', '野生动物'] },
  premium_liquor: { rule: 'R9', words: ['茅台', '五粮液'] },
  cigarettes: { rule: 'R9', words: ['香烟', '卷烟'] },
  venues: { rule: 'R9', words: ['私人会所', '高消费餐饮场所'] },
  activities: { rule: 'R12', words: ['旅游', '观光', '娱乐场所', '健身', '专场演出'] },
  gifts: { rule: 'R12', words: ['礼金', '有价证券', '纪念品', '土特产'] },
  not_reception_costs: { rule: 'R14', words: ['差旅费', '会议费', '培训费'] },
} as const;

export function nationalFloor(p: Policy): PathProblem[] {
  const out: PathProblem[] = [];
  const push = (path: (string | number)[], message: string) => out.push({ path, message });

  const a = p.accompany;
  if (a.small_group_max_diners > 3) push(['accompany', 'small_group_max_diners'], `must not exceed the national 3 (R8), got ${a.small_group_max_diners}`);
  if (a.large_group_divisor < 3) push(['accompany', 'large_group_divisor'], `must be 3 or more: at most one third of the guests (R8), got ${a.large_group_divisor}`);
  if (a.small_group_max_guests > 10) push(['accompany', 'small_group_max_guests'], `must not exceed the national 10 (R8), got ${a.small_group_max_guests}`);

  const wm = p.meals.working_meal;
  if (wm.max_per_visit > 1) push(['meals', 'working_meal', 'max_per_visit'], `must not exceed the national 1 working meal per visit (R8), got ${wm.max_per_visit}`);

  if (!p.letter.required_kinds.includes('公务')) {
    push(['letter', 'required_kinds'], 'must include 公务: no letter, no reception, 无公函的公务活动和来访人员一律不予接待 (R4)');
  }
  if (!p.lodging.host_pays_needs_reason) {
    push(['lodging', 'host_pays_needs_reason'], 'must be true: lodging is paid by the guests\' unit under travel rules, the host paying needs a reason (R7)');
  }
  if (!p.settlement.required_documents.includes('发票')) {
    push(['settlement', 'required_documents'], 'must include 发票: reimbursement needs the invoice (R15)');
  }
  p.lodging.rooms_by_rank.forEach((row, i) => {
    const junior = row.ranks.filter((r) => !rankAtLeast(r, '省部级副职'));
    if (row.rooms.includes('普通套间') && junior.length) {
      push(['lodging', 'rooms_by_rank', i, 'rooms'], `普通套间 is only for 省部级 guests (R7), not for ${junior.join(', ')}`);
    }
  });

  for (const [key, floor] of Object.entries(NATIONAL_WORDS)) {
    const list = p.banned_words[key as keyof typeof NATIONAL_WORDS] as readonly string[];
    const missing = floor.words.filter((w) => !list.includes(w));
    if (missing.length) {
      push(['banned_words', key], `must keep the national words ${missing.join(', ')} (${floor.rule}); a local list may add words, never drop them`);
    }
  }
  return out;
}
