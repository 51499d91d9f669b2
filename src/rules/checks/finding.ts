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
  return field === undefined ? { rule, severity, message } : { rule, severity, message, field };
}

/** The citation appended to a message: an R-number, or 本地规定 for a local setting. */
export function cite(rule: string): string {
  return /^R\d+$/.test(rule) ? `(${rule})` : '(本地规定)';
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
