// A finding: what the engine says about one fact, citing the rule it comes from.
export type Severity = 'block' | 'reason' | 'info';

export interface Finding {
  /** The rule: an R-number of docs/reception-rules.md, or the name of the policy setting. */
  rule: string;
  /** block: cannot go on; reason: may go on with a written reason and the extra approval level; info: for the record. */
  severity: Severity;
  /** Chinese, with the numbers that matter, ending with the rule in brackets. */
  message: string;
  /** The form field or fact the finding concerns (e.g. `accompany_count`, `settlement.lines[2].payment`). */
  field?: string;
}

export function finding(rule: string, severity: Severity, message: string, field?: string): Finding {
  const said = citedInChinese(message);
  return field === undefined ? { rule, severity, message: said } : { rule, severity, message: said, field };
}

/**
 * The citation a person reads at the end of a message: the subject of the national rule
 * ("（工作餐和陪餐规定）"), 外事接待规定 for the foreign-affairs standards (foreign.*), or 本地规定 for
 * another local setting. Never the rule's id: docs/rules.md maps the subjects to the R-numbers.
 */
export function cite(rule: string): string {
  if (/^R\d+$/.test(rule)) return `（${TOPICS[rule] ?? '公务接待'}规定）`;
  return rule.startsWith('foreign.') ? '（外事接待规定）' : '（本地规定）';
}

/**
 * A message with its citations in Chinese: " (R8)" written by a check becomes "（工作餐和陪餐规定）",
 * " (本地规定)" becomes "（本地规定）"; no space is left before a full-width bracket.
 */
export function citedInChinese(message: string): string {
  return message
    .replace(/\s*\((R\d+)\)/g, (_, rule: string) => cite(rule))
    .replace(/\s*\((本地规定|外事接待规定)\)/g, '（$1）')
    .replace(/\s+（(\S+规定)）/g, '（$1）');
}

const order: Record<Severity, number> = { block: 0, reason: 1, info: 2 };

/** Most serious first, keeping the check order within a severity. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => order[a.f.severity] - order[b.f.severity] || a.i - b.i)
    .map(({ f }) => f);
}

export function hasBlocking(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'block');
}

/** What each rule is about, in the words an office uses: for lists of findings on cards (never an id). */
const TOPICS: Record<string, string> = {
  R1: '接待范围',
  R2: '公函',
  R4: '公函',
  R5: '接待清单',
  R6: '迎送',
  R7: '住宿',
  R8: '工作餐和陪餐',
  R9: '菜品、酒水和场所',
  R10: '用车',
  R12: '活动和礼品',
  R13: '接待经费预算',
  R14: '费用范围',
  R15: '报销单据',
  R16: '结算方式',
  R17: '接待标准',
  R19: '监督检查',
  R20: '接待公开',
  R21: '接待统计',
  approval_first: '先审批、后接待',
  same_city: '同城接待',
  form: '填写内容',
};

export function ruleTopic(rule: string): string {
  if (TOPICS[rule]) return TOPICS[rule];
  if (rule.startsWith('foreign.')) return '外事接待标准';
  if (rule.startsWith('same_city.')) return '同城接待';
  if (rule.startsWith('meals.') || rule.startsWith('business.')) return '本地用餐标准';
  if (rule.startsWith('settlement.')) return '报销期限';
  return '本地规定';
}
